package qcowdesk.bridge.owner;

/**
 * Who owns the device table, as the {@code hello} request reports it.
 *
 * @param pid           process ID of the owner
 * @param description   what the owner is, e.g. "qcowctl daemon" or "QcowDesk app"
 * @param controlSocket path of the control socket
 * @param nbdSocket     path of the NBD socket the devices are exported on
 */
public record OwnerInfo(long pid, String description, String controlSocket, String nbdSocket) {

    /** "pid 1234 (qcowctl daemon)" */
    public String summary() {
        return "pid " + pid + " (" + description + ")";
    }
}
