package org.kindling.bench.train;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.kindling.tensor.FormatException;

/**
 * Reads unsigned-byte IDX files (the MNIST/Fashion-MNIST format), plain or gzip-compressed
 * (detected by the gzip magic, not the file name). Header: a 4-byte big-endian magic
 * {@code 0x000008DD} (0x08 = unsigned byte, DD = number of dimensions), then one big-endian
 * int32 per dimension, then the items in row-major order.
 *
 * <p>Byte offsets in errors count from the start of the (decompressed) IDX stream. Sizes from
 * the header are checked against sane limits before anything is allocated.
 */
public final class IdxReader {
  /** Largest item count accepted from a header. */
  static final int MAX_ITEMS = 100_000_000;
  /** Largest item size (pixels per image) accepted from a header. */
  static final int MAX_ITEM_BYTES = 1 << 24;

  private IdxReader() {}

  /**
   * The first {@code limit} items of an IDX file whose first dimension counts items, as one
   * byte array of {@code items x itemBytes}.
   *
   * @param file the {@code .idx*-ubyte} or {@code .gz} file
   * @param dims expected number of dimensions (3 for images, 1 for labels)
   * @param limit how many items to read at most (fewer if the file holds fewer)
   * @throws FormatException if the magic, dimensions or length are wrong, naming the offset
   */
  public static Items read(Path file, int dims, int limit) throws IOException {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
    String name = file.toString();
    try (DataInputStream in = new DataInputStream(open(file))) {
      int magic = readInt(in, name, 0);
      int want = 0x0800 | dims;
      if (magic != want) {
        throw new FormatException(name, 0, String.format(
            "IDX magic is 0x%08X, expected 0x%08X (unsigned bytes, %d dimensions)",
            magic, want, dims));
      }
      int count = readInt(in, name, 4);
      if (count < 0 || count > MAX_ITEMS) {
        throw new FormatException(name, 4, "item count " + count + " is outside [0, " + MAX_ITEMS + "]");
      }
      long itemBytes = 1;
      for (int d = 1; d < dims; d++) {
        long off = 4 + 4L * d;
        int size = readInt(in, name, off);
        if (size <= 0) {
          throw new FormatException(name, off, "dimension " + d + " is " + size + ", must be > 0");
        }
        itemBytes *= size;
        if (itemBytes > MAX_ITEM_BYTES) {
          throw new FormatException(name, off, "items of more than " + MAX_ITEM_BYTES + " bytes");
        }
      }
      int items = Math.min(count, limit);
      long total = items * itemBytes;
      if (total > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException(
            name + ": " + items + " items of " + itemBytes + " bytes do not fit one array; lower the limit");
      }
      byte[] data = new byte[(int) total];
      long dataStart = 4 + 4L * dims;
      int got = in.readNBytes(data, 0, data.length);
      if (got < data.length) {
        throw new FormatException(name, dataStart + got, "file ends after " + got + " of "
            + total + " data bytes (" + items + " items of " + itemBytes + " bytes)");
      }
      return new Items(items, (int) itemBytes, data);
    }
  }

  private static InputStream open(Path file) throws IOException {
    BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
  }

  private static int readInt(DataInputStream in, String name, long offset) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new FormatException(name, offset, "file ends inside the IDX header");
    }
  }

  /**
   * Items read from an IDX file.
   *
   * @param count number of items
   * @param itemBytes bytes per item (e.g. 784 for a 28×28 image, 1 for a label)
   * @param data {@code count * itemBytes} unsigned bytes, row-major
   */
  public record Items(int count, int itemBytes, byte[] data) {}
}
