package qcowdesk.app;

import org.junit.jupiter.api.Test;

import qcowdesk.testkit.PackageGraph;

/**
 * The app's packages depend one way: the entry point on the main window, the window (with the top model) on the
 * flows, the flows on the shared parts (background jobs, settings, images), never back up.
 */
class PackageCycleTest {

    @Test
    void theAppPackagesFormNoCycle() {
        PackageGraph.ofClassesOf(QcowDeskApp.class, "qcowdesk.app").assertNoCycle();
    }
}
