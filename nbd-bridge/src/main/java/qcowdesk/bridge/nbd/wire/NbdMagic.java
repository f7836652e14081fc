package qcowdesk.bridge.nbd.wire;

/** The magic numbers that open each NBD message (doc/proto.md of the NBD project). */
public final class NbdMagic {

    /** "NBDMAGIC": first word the server sends. */
    public static final long INIT_PASSWD = 0x4e42444d41474943L;
    /** "IHAVEOPT": newstyle negotiation; also opens every option the client sends. */
    public static final long IHAVEOPT = 0x49484156454F5054L;
    /** Opens every option reply. */
    public static final long OPTION_REPLY = 0x3e889045565a9L;
    /** Opens every transmission request. */
    public static final int REQUEST = 0x25609513;
    /** Opens a simple reply. */
    public static final int SIMPLE_REPLY = 0x67446698;
    /** Opens a structured reply chunk. */
    public static final int STRUCTURED_REPLY = 0x668e33ef;

    private NbdMagic() {
    }
}
