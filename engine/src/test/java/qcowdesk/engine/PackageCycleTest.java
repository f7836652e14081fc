package qcowdesk.engine;

import org.junit.jupiter.api.Test;

import qcowdesk.testkit.PackageGraph;

/** The engine's packages depend one way (format below the image, the image below its tools and devices). */
class PackageCycleTest {

    @Test
    void theEnginePackagesFormNoCycle() {
        PackageGraph.ofClassesOf(EngineException.class, "qcowdesk.engine").assertNoCycle();
    }
}
