package wirelens.capture;

/**
 * Constants of the Wirelens capture format (see the README section "Capture file format").
 *
 * <p>A capture is one little-endian pcapng section: a Section Header Block, one Interface Description
 * Block (LINKTYPE_RAW, i.e. IPv4/IPv6 packets without a link header; nanosecond timestamps), then
 * Wirelens records interleaved with Enhanced Packet Blocks that carry the synthesised TCP segments.
 * Wirelens records are pcapng Custom Blocks of type {@link #CUSTOM_BLOCK} ("do not copy": they describe
 * the packets around them) with Private Enterprise Number {@link #PEN}, whose custom data starts with
 * the magic bytes 'W' 'L', a record type byte and a record version byte.
 */
final class Format {
    private Format() {}

    static final int SHB = 0x0A0D0D0A;
    static final int IDB = 0x00000001;
    static final int EPB = 0x00000006;
    static final int CUSTOM_COPY = 0x00000BAD;
    static final int CUSTOM_BLOCK = 0x40000BAD;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int LINKTYPE_RAW = 101;

    /**
     * IANA Private Enterprise Number 32473, reserved by RFC 5612 for documentation and examples. Wirelens
     * has no PEN of its own; the 'W' 'L' magic that follows tells its records apart.
     */
    static final int PEN = 32473;
    static final byte MAGIC_0 = 'W';
    static final byte MAGIC_1 = 'L';

    /** The format as a whole; bumped when a reader of the old version could not read a new file. */
    static final int FORMAT_VERSION = 1;

    // record types (custom data byte 2); the record version (byte 3) is 1 for each
    static final int REC_FILE = 1;
    static final int REC_OPENED = 2;
    static final int REC_TARGET = 3;
    static final int REC_CHUNK = 4;
    static final int REC_HALF_CLOSED = 5;
    static final int REC_ENDED = 6;
    static final int REC_TLS = 7;
    /** Capture paused for lack of disk space: what a connection (or, with id -1, the capture) missed. */
    static final int REC_GAP = 8;
    /** In file 2 and on of a ring: the connections still open have been restated up to here. */
    static final int REC_RESTATED = 9;
    /** A proxy's own handshake with its client (SOCKS5), which is not stream data. */
    static final int REC_PROXY_HANDSHAKE = 10;
    /** An HTTP proxy connection's requests go to an origin from here on: i64 id, i64 time, str HOST:PORT. */
    static final int REC_ORIGIN = 11;
    /** A TLS record's certificates stop here, so a record stays well inside what a reader accepts. */
    static final int MAX_TLS_CHAIN_BYTES = 48 * 1024;
    static final int RECORD_VERSION = 1;

    // TLS record flags; a file without TLS_KIND_GIVEN says the kind only in its note
    static final int TLS_FACTS = 1;
    static final int TLS_VERIFIED = 2;
    static final int TLS_KIND_GIVEN = 4;
    static final int TLS_PASSTHROUGH = 8;
    static final int TLS_FAILED = 16;
    static final int TLS_STARTTLS = 32;
    /** After the note of a failed leg: u16 count, per certificate u32 length + DER, str HOST:PORT of the refused server. */
    static final int TLS_REJECTED_CHAIN = 64;
    /** After a leg's facts: the certificates that end showed (u16 count, u32 length + DER each), leaf first. */
    static final int TLS_LOCAL_CHAIN = 128;
    // the TLS record's note, in the words every version writes
    static final String TLS_NOTE_STARTTLS = "STARTTLS";
    static final String TLS_NOTE_PASSTHROUGH = "passthrough ";
    static final String TLS_NOTE_FAILED = "failed: ";

    // chunk flags
    static final int FLAG_EDITED = 1;
    static final int FLAG_DROPPED = 2;
    static final int FLAG_INJECTED = 4;

    /**
     * Chunk record: 8 block header + 4 PEN + 4 (magic, type, version) + 8 connection + 4 (direction,
     * flags, 2 reserved) + 8 time + 4 forwarded length + 4 original length + 4 segments; then the
     * original bytes when edited or dropped; then padding and the 4-byte trailing length.
     */
    static final int CHUNK_ORIGINAL_AT = 48;

    /**
     * Records that describe a packet ride on it as a pcapng custom option (2989: binary, not to be
     * copied; value = PEN + record data), so Wireshark's packet list stays free of Wirelens rows for
     * ordinary traffic. The file record rides on the Section Header Block the same way.
     */
    static final int RECORD_OPTION = 2989;
    /** PEN + magic/type/version + connection + direction/flags/reserved + time + 3 lengths. */
    static final int CHUNK_FIELDS_LENGTH = 40;

    // address families in records
    static final int ADDR_NONE = 0;
    static final int ADDR_IPV4 = 4;
    static final int ADDR_IPV6 = 6;
    static final int ADDR_UNRESOLVED = 1;

    /** Most TCP payload bytes per synthesised packet (a 64 KiB chunk becomes two packets). */
    static final int MAX_SEGMENT = 32 * 1024;

    static int pad4(int n) {
        return (n + 3) & ~3;
    }
}
