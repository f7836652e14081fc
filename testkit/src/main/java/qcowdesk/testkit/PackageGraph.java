package qcowdesk.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The package dependencies of compiled classes, as the JDK's {@code jdeps} reads them from the bytecode (so an
 * import that is never used does not count, and a fully qualified name in code does). Used to prove that a
 * module's packages form no cycle.
 */
public final class PackageGraph {

    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s");

    private final Map<String, Set<String>> edges;

    private PackageGraph(Map<String, Set<String>> edges) {
        this.edges = edges;
    }

    /** The graph of the packages compiled into the directory or jar that holds {@code member}. */
    public static PackageGraph ofClassesOf(Class<?> member, String packagePrefix) {
        try {
            Path location = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
            return of(location, packagePrefix);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The edges between packages starting with {@code packagePrefix} among the classes under {@code classes}. */
    public static PackageGraph of(Path classes, String packagePrefix) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new IllegalStateException("jdeps is missing from this JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(err),
                "-verbose:package", "-filter:none", classes.toString());
        assertEquals(0, exit, () -> "jdeps failed on " + classes + ": " + err);
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.find() && m.group(1).startsWith(packagePrefix) && m.group(2).startsWith(packagePrefix)
                    && !m.group(1).equals(m.group(2))) {
                edges.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
            }
        }
        if (edges.isEmpty()) {
            fail("jdeps found no dependencies between " + packagePrefix + "* packages in " + classes);
        }
        return new PackageGraph(edges);
    }

    /** The same graph without the packages under {@code prefix} (for a part whose cycles are tracked apart). */
    public PackageGraph without(String prefix) {
        Map<String, Set<String>> kept = new TreeMap<>();
        edges.forEach((from, targets) -> {
            if (!from.startsWith(prefix)) {
                Set<String> to = new TreeSet<>(targets);
                to.removeIf(target -> target.startsWith(prefix));
                kept.put(from, to);
            }
        });
        return new PackageGraph(kept);
    }

    /** Whether {@code from} uses {@code to} directly. */
    public boolean dependsOn(String from, String to) {
        return edges.getOrDefault(from, Set.of()).contains(to);
    }

    /** Groups of packages that reach each other (strongly connected components of more than one package). */
    public List<Set<String>> cycles() {
        return new Tarjan(edges).components();
    }

    /** Fails, naming each cycle and its edges, unless the packages form a directed acyclic graph. */
    public void assertNoCycle() {
        List<Set<String>> cycles = cycles();
        if (!cycles.isEmpty()) {
            StringBuilder message = new StringBuilder("package cycles:");
            for (Set<String> cycle : cycles) {
                message.append("\n  ").append(cycle);
                for (String from : cycle) {
                    for (String to : edges.getOrDefault(from, Set.of())) {
                        if (cycle.contains(to)) {
                            message.append("\n    ").append(from).append(" -> ").append(to);
                        }
                    }
                }
            }
            fail(message.toString());
        }
    }

    private static final class Tarjan {
        private final Map<String, Set<String>> edges;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<Set<String>> found = new ArrayList<>();

        Tarjan(Map<String, Set<String>> edges) {
            this.edges = edges;
        }

        List<Set<String>> components() {
            for (String node : edges.keySet()) {
                if (!index.containsKey(node)) {
                    visit(node);
                }
            }
            return found;
        }

        private void visit(String node) {
            index.put(node, index.size());
            low.put(node, index.get(node));
            stack.push(node);
            onStack.add(node);
            for (String next : edges.getOrDefault(node, Set.of())) {
                if (!index.containsKey(next)) {
                    visit(next);
                    low.put(node, Math.min(low.get(node), low.get(next)));
                } else if (onStack.contains(next)) {
                    low.put(node, Math.min(low.get(node), index.get(next)));
                }
            }
            if (low.get(node).equals(index.get(node))) {
                Set<String> component = new TreeSet<>();
                String member;
                do {
                    member = stack.pop();
                    onStack.remove(member);
                    component.add(member);
                } while (!member.equals(node));
                if (component.size() > 1) {
                    found.add(component);
                }
            }
        }
    }
}
