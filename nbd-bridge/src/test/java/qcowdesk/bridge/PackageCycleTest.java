package qcowdesk.bridge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import qcowdesk.bridge.host.DeviceHost;
import qcowdesk.testkit.PackageGraph;

/** The bridge's packages depend one way: host composes nbd and control, which share owner and nothing else. */
class PackageCycleTest {

    private final PackageGraph graph = PackageGraph.ofClassesOf(DeviceHost.class, "qcowdesk.bridge");

    @Test
    void theBridgePackagesFormNoCycle() {
        graph.assertNoCycle();
    }

    @Test
    void nbdAndControlShareTheOwnerPackageAndNotEachOther() {
        assertTrue(graph.dependsOn("qcowdesk.bridge.nbd", "qcowdesk.bridge.owner"));
        assertTrue(graph.dependsOn("qcowdesk.bridge.control", "qcowdesk.bridge.owner"));
        assertFalse(graph.dependsOn("qcowdesk.bridge.nbd", "qcowdesk.bridge.control"));
        assertFalse(graph.dependsOn("qcowdesk.bridge.control", "qcowdesk.bridge.nbd"));
        assertFalse(graph.dependsOn("qcowdesk.bridge.owner", "qcowdesk.bridge.nbd"));
        assertFalse(graph.dependsOn("qcowdesk.bridge.owner", "qcowdesk.bridge.control"));
    }
}
