package qcowdesk.cli;

import org.junit.jupiter.api.Test;

import qcowdesk.testkit.PackageGraph;

class PackageCycleTest {

    @Test
    void theCliPackagesFormNoCycle() {
        PackageGraph.ofClassesOf(Qcowctl.class, "qcowdesk.cli").assertNoCycle();
    }
}
