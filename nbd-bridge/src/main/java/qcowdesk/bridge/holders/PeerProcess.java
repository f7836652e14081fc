package qcowdesk.bridge.holders;

/** A process at the other end of a client connection: its pid and command line (arguments joined by spaces). */
public record PeerProcess(long pid, String commandLine) {

    /** E.g. {@code pid 4242: qemu-io -f raw nbd+unix:///qcow0?socket=...}. */
    public String describe() {
        return "pid " + pid + ": " + (commandLine.isEmpty() ? "(command line unknown)" : commandLine);
    }
}
