package qcowdesk.app.devices;

import java.nio.file.Path;

import qcowdesk.bridge.nbd.NbdUris;

/** How a client reaches one device: the NBD URI (RFC of the NBD project) and the Linux kernel client command. */
public record NbdAddress(Path socket, String unit) {

    /** e.g. {@code nbd+unix:///qcow0?socket=/run/user/1000/qcowdesk/nbd.sock}, as nbdinfo and qemu accept it. */
    public String uri() {
        return NbdUris.unix(socket, unit);
    }

    /** The command that connects the kernel's NBD client to this device. */
    public String kernelClientCommand() {
        return "nbd-client -unix " + socket.toAbsolutePath() + " -N " + unit + " /dev/nbd0";
    }
}
