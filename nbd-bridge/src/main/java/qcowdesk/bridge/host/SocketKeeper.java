package qcowdesk.bridge.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.owner.OwnerLock;
import qcowdesk.bridge.owner.PrivateDirectory;
import qcowdesk.bridge.owner.StaleSockets;
import qcowdesk.engine.device.FileIdentity;
import qcowdesk.engine.support.DaemonThreads;
import qcowdesk.engine.support.Log;

/**
 * Puts an owner's sockets back when they are removed from under it. A cleaner that empties the runtime directory
 * (tmpreaper, a logout script, {@code rm -rf /tmp/qcowdesk-*}) leaves the owner serving on files no one can reach:
 * clients get "No such file" and qcowctl says no owner runs. A socket file is only a name for the listening
 * socket, so the listener goes on; what is lost is the name. A few stats a second notice it (a directory watch
 * would miss a directory that is itself removed), then the directory is made again (0700), the owner lock taken
 * again, and each missing socket bound again. Connections already open are not disturbed.
 */
final class SocketKeeper implements AutoCloseable {

    private static final Log LOG = Log.of(SocketKeeper.class);

    /** How soon a removal is noticed; each look is a few stat calls. */
    static final Duration PERIOD = Duration.ofMillis(500);

    /** Binds a socket again at its path, which is free. */
    @FunctionalInterface
    interface Rebind {
        void rebind() throws IOException;
    }

    /** A socket file we listen on, with the identity of the file we created. */
    private static final class Kept {
        final String what;
        final Path path;
        final Rebind rebind;
        FileIdentity identity;
        /** Set once we said we cannot take the path back, so that the log says it once. */
        boolean refused;

        Kept(String what, Path path, Rebind rebind) throws IOException {
            this.what = what;
            this.path = path;
            this.rebind = rebind;
            this.identity = FileIdentity.of(path);
        }
    }

    private final RuntimeDirectory runtime;
    private final OwnerLock lock;
    private final List<Kept> kept = new ArrayList<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("qcowdesk-socket-keeper"));

    SocketKeeper(RuntimeDirectory runtime, OwnerLock lock) {
        this.runtime = runtime;
        this.lock = lock;
    }

    /** Keeps {@code socket} (which exists now) in place; {@code what} names it to the user. */
    synchronized void keep(String what, Path socket, Rebind rebind) throws IOException {
        kept.add(new Kept(what, socket, rebind));
    }

    /** Hears what was put back, in words for the user, on the keeper's thread. */
    AutoCloseable onRestored(Consumer<String> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void start() {
        timer.scheduleWithFixedDelay(this::checkQuietly, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkQuietly() {
        try {
            check();
        } catch (IOException | RuntimeException e) {
            // tried again at the next look; said once per failure kind would be nicer, but a failure here is rare
            LOG.warn("cannot put the sockets back in " + runtime.path() + ": " + e.getMessage());
        }
    }

    /** Looks once and puts back what is missing; returns what was put back (empty when all was in place). */
    synchronized List<String> check() throws IOException {
        List<String> restored = new ArrayList<>();
        if (!Files.isDirectory(runtime.path(), LinkOption.NOFOLLOW_LINKS)) {
            runtime.ensureExists();
            PrivateDirectory.require(runtime.path());
            restored.add("the directory");
        }
        if (!lock.isInPlace()) {
            lock.restore();
        }
        for (Kept socket : kept) {
            if (isOurs(socket)) {
                continue;
            }
            if (StaleSockets.isServed(socket.path)) {
                // someone else listens there now: theirs, not ours to take
                if (!socket.refused) {
                    socket.refused = true;
                    notify("The " + socket.what + " " + socket.path + " was replaced by another process's socket;"
                            + " this owner can no longer be reached through it");
                }
                continue;
            }
            Files.deleteIfExists(socket.path);
            Files.createDirectories(socket.path.toAbsolutePath().getParent());
            socket.rebind.rebind();
            socket.identity = FileIdentity.of(socket.path);
            socket.refused = false;
            restored.add("the " + socket.what);
        }
        if (!restored.isEmpty()) {
            notify(runtime.path() + " was removed or emptied from under the device owner; "
                    + String.join(", ", restored) + (restored.size() == 1 ? " was" : " were") + " re-created");
        }
        return restored;
    }

    private static boolean isOurs(Kept socket) {
        try {
            return FileIdentity.of(socket.path).equals(socket.identity);
        } catch (IOException gone) {
            return false;
        }
    }

    private void notify(String message) {
        LOG.warn(message);
        listeners.forEach(listener -> listener.accept(message));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
