package qcowdesk.engine.qcow2;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.support.DaemonThreads;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens the files an image consists of so that only a regular file is ever used and no open can hold up the
 * caller (a control thread) for long. A type check before the open is not enough: the path can be swapped for a
 * FIFO between the check and the open, and a read-only open of a FIFO waits for a writer forever. So:
 * <ul>
 *   <li>the open runs on a helper thread and the caller waits a bounded time ({@value #DEFAULT_TIMEOUT_MILLIS} ms,
 *       {@code -Dqcowdesk.openTimeoutMillis}); a read-write open of a FIFO never waits on Linux, a read-only one
 *       does, and a hung network file system could;</li>
 *   <li>when the wait runs out, the path is opened once more for reading and writing, on a helper too: for a FIFO
 *       that is the writer the first open waits for, so it finishes and its descriptor is closed rather than left
 *       waiting;</li>
 *   <li>the descriptor that was opened is then looked at itself ({@code /proc/self/fd/N}), so what is used is known
 *       to be a regular file whatever the path names by now, and its identity (device and inode) is the one the
 *       image's locks and claims use.</li>
 * </ul>
 */
public final class RegularFiles {

    /** A file that did open, and its identity, read from its descriptor. */
    public record Opened(FileChannel channel, Object fileKey) {
    }

    static final long DEFAULT_TIMEOUT_MILLIS = 5000;
    static final String TIMEOUT_PROPERTY = "qcowdesk.openTimeoutMillis";
    private static final ExecutorService OPENERS = Executors.newCachedThreadPool(
            DaemonThreads.numbered("qcowdesk-file-open"));
    private static final Field CHANNEL_FD = field("sun.nio.ch.FileChannelImpl", "fd");
    private static final Method FD_VALUE = method("sun.nio.ch.IOUtil", "fdVal");

    private RegularFiles() {
    }

    /** Opens {@code path} for reading (and writing), refusing anything but a regular file. */
    public static Opened open(Path path, boolean writable) throws IOException {
        return open(path, writable, () -> { });
    }

    /** {@link #open(Path, boolean)}, running {@code afterCheck} between the type check and the open (tests swap). */
    static Opened open(Path path, boolean writable, Runnable afterCheck) throws IOException {
        ExternalFilePolicy.requireRegularFile(path); // the common case, with its plain message
        afterCheck.run();
        long timeout = Long.getLong(TIMEOUT_PROPERTY, DEFAULT_TIMEOUT_MILLIS);
        CompletableFuture<FileChannel> opening = CompletableFuture.supplyAsync(() -> {
            try {
                return writable ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                        : FileChannel.open(path, StandardOpenOption.READ);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, OPENERS);
        FileChannel channel;
        try {
            channel = await(path, opening, timeout);
        } catch (TimeoutException e) {
            channel = released(path, opening);
            if (channel == null) {
                throw new EngineException(ErrorCode.INVALID_ARGUMENT, path + " did not open within " + timeout
                        + " ms: it is not a regular file (a FIFO waits for a writer) or its file system does not "
                        + "answer");
            }
        }
        try {
            return new Opened(channel, requireRegular(path, channel));
        } catch (IOException | RuntimeException e) {
            channel.close(); // not a regular file: no image lock can be lost by closing it
            throw e;
        }
    }

    private static FileChannel await(Path path, CompletableFuture<FileChannel> opening, long millis)
            throws IOException, TimeoutException {
        try {
            return opening.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            opening.thenAccept(channel -> closeLate(path, channel));
            throw new InterruptedIOException("interrupted while opening a file");
        }
    }

    /**
     * The open waits: opens the path for reading and writing (which never waits for a FIFO) so that a FIFO has its
     * writer and the waiting open finishes; returns its channel if it did within a short while, else null (it is
     * closed whenever it finishes).
     */
    private static FileChannel released(Path path, CompletableFuture<FileChannel> opening) throws IOException {
        CompletableFuture.runAsync(() -> {
            FileChannel writer;
            try {
                writer = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (IOException e) {
                return; // no write permission, or gone: the waiting open finishes when someone else writes
            }
            try {
                if (!attributes(path, writer).isRegularFile()) {
                    opening.get(1, TimeUnit.SECONDS); // released or not, the writer end closes after this
                }
            } catch (Exception e) {
                // the waiting open is closed by whoever gets it
            } finally {
                closeLate(path, writer);
            }
        }, OPENERS);
        try {
            return await(path, opening, 1000);
        } catch (TimeoutException e) {
            opening.thenAccept(channel -> closeLate(path, channel));
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A channel opened after its caller gave up: closed without dropping any lock of this process. */
    private static void closeLate(Path path, FileChannel channel) {
        try {
            BasicFileAttributes opened = attributes(path, channel);
            Object key = opened.isRegularFile() ? opened.fileKey() : null;
            ImageLock.closeChannel(key, channel);
        } catch (IOException e) {
            // nothing more to do with it
        }
    }

    /** The file type and identity of what {@code channel} has open, or refuses it when it is not a regular file. */
    private static Object requireRegular(Path path, FileChannel channel) throws IOException {
        BasicFileAttributes opened = attributes(path, channel);
        if (!opened.isRegularFile()) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, path + " is not a regular file (it is "
                    + (opened.isDirectory() ? "a directory" : "a FIFO, socket or device")
                    + "; it was swapped in after it was checked)");
        }
        return opened.fileKey();
    }

    /**
     * The attributes of the file {@code channel} has open, read through its descriptor's {@code /proc/self/fd}
     * link. Java has no public accessor for the descriptor; it is read reflectively (qcowctl's manifest and the
     * app's launcher open {@code java.base/sun.nio.ch}). Without that, the path is looked at again, which a swap
     * back after the open would fool.
     */
    private static BasicFileAttributes attributes(Path path, FileChannel channel) throws IOException {
        int fd = descriptor(channel);
        return Files.readAttributes(fd < 0 ? path : Path.of("/proc/self/fd/" + fd), BasicFileAttributes.class);
    }

    private static int descriptor(FileChannel channel) {
        if (CHANNEL_FD == null || FD_VALUE == null || !CHANNEL_FD.getDeclaringClass().isInstance(channel)) {
            return -1;
        }
        try {
            return (int) FD_VALUE.invoke(null, CHANNEL_FD.get(channel));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    private static Field field(String type, String name) {
        try {
            Field field = Class.forName(type).getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Method method(String type, String name) {
        try {
            Method method = Class.forName(type).getDeclaredMethod(name, java.io.FileDescriptor.class);
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
