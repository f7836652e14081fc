package qcowdesk.app.devices;

import java.nio.file.Path;

import qcowdesk.bridge.nbd.NbdUris;

/** How a client reaches one device: the NBD URI (RFC of the NBD project) and the commands of the usual clients. */
public record NbdAddress(Path socket, String unit) {

    /** e.g. {@code nbd+unix:///qcow0?socket=/run/user/1000/qcowdesk/nbd.sock}, as nbdinfo and qemu accept it. */
    public String uri() {
        return NbdUris.unix(socket, unit);
    }

    /** The command that connects the kernel's NBD client to this device. */
    public String kernelClientCommand() {
        return "nbd-client -unix " + socket.toAbsolutePath() + " -N " + unit + " /dev/nbd0";
    }

    /** Reads the device's first sector with qemu-io (the URI quoted: it holds a {@code ?}). */
    public String qemuIoCommand() {
        return "qemu-io -r -f raw -c 'read -v 0 512' '" + uri() + "'";
    }

    /** Shows the device as a file, {@code /tmp/DEVICE/nbd}, through FUSE. */
    public String nbdfuseCommand() {
        return "mkdir -p /tmp/" + unit + " && nbdfuse /tmp/" + unit + " '" + uri() + "' &";
    }
}
