package org.kindling.io.recordio;

/**
 * Constants and bit helpers of the RecordIO physical layout ({@code formats.md} §1.1).
 *
 * <p>A part is {@code u32 magic, u32 lrec, data[length], pad} with {@code lrec = cflag << 29 |
 * length}, all little-endian, every part starting at a 4-byte-aligned offset.
 */
public final class RecordIO {
  /** The part magic {@code 0xCED7230A} (bytes on disk {@code 0A 23 D7 CE}). */
  public static final int MAGIC = 0xCED7230A;

  /** A logical record must be shorter than this ({@code 2^29}); the length field has 29 bits. */
  public static final int MAX_RECORD_LENGTH = 1 << 29;

  /** cflag of a record written whole in one part. */
  public static final int CFLAG_WHOLE = 0;
  /** cflag of the first part of a split record. */
  public static final int CFLAG_FIRST = 1;
  /** cflag of a middle part of a split record. */
  public static final int CFLAG_MIDDLE = 2;
  /** cflag of the last part of a split record. */
  public static final int CFLAG_LAST = 3;

  /** Bytes of a part header (magic + lrec). */
  public static final int HEADER_BYTES = 8;

  private static final int LENGTH_MASK = (1 << 29) - 1;

  private RecordIO() {}

  /** The cflag (top 3 bits) of an lrec word. */
  public static int cflag(int lrec) {
    return lrec >>> 29;
  }

  /** The part length (low 29 bits) of an lrec word. */
  public static int length(int lrec) {
    return lrec & LENGTH_MASK;
  }

  /** Encodes an lrec word. */
  public static int lrec(int cflag, int length) {
    return (cflag << 29) | length;
  }

  /** {@code n} rounded up to a multiple of 4. */
  public static long ceil4(long n) {
    return (n + 3) & ~3L;
  }

  /** True if the cflag starts a logical record (0 whole, 1 first part). */
  public static boolean startsRecord(int cflag) {
    return cflag == CFLAG_WHOLE || cflag == CFLAG_FIRST;
  }

  /** True if the 4 bytes at {@code buf[i..i+4)} are the magic in little-endian order. */
  static boolean isMagicAt(byte[] buf, int i) {
    return buf[i] == (byte) 0x0A
        && buf[i + 1] == (byte) 0x23
        && buf[i + 2] == (byte) 0xD7
        && buf[i + 3] == (byte) 0xCE;
  }
}
