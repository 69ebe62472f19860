package org.kindling.io.pack;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipException;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.source.ByteStore;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.PrefetchingInputStream;
import org.kindling.io.source.ReadOptions;
import org.kindling.io.source.StoreEntry;
import org.kindling.tensor.FormatException;

/**
 * A sequential reader of an IDX file of unsigned bytes (the MNIST format): a big-endian header
 * {@code 00 00 08 ndim}, {@code ndim} big-endian u32 dimensions, then the items in C order. The
 * first dimension counts items; the rest give each item's shape. Gzip-compressed files are
 * recognized by their magic bytes.
 *
 * <p>For a plain file the header is checked against the file length before anything is read;
 * for a gzip file the decompressed length is checked while streaming (a short or overlong stream
 * is an error). Offsets in errors are in the decompressed byte stream.
 */
final class IdxFile implements Closeable {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;

  private final String name;
  private final InputStream in;
  private final int[] dims;
  private final long count;
  private final int itemSize;
  private final long dataOffset;
  private long itemsRead;

  private IdxFile(String name, InputStream in, int[] dims, int itemSize) {
    this.name = name;
    this.in = in;
    this.dims = dims;
    this.count = Integer.toUnsignedLong(dims[0]);
    this.itemSize = itemSize;
    this.dataOffset = 4L + 4L * dims.length;
  }

  /**
   * Opens an IDX file and validates its header.
   *
   * @param expectedMagic {@link #IMAGES_MAGIC} or {@link #LABELS_MAGIC}
   * @param maxItemSize largest allowed item in bytes
   * @throws FormatException on a wrong magic, a zero item dimension, an item larger than {@code
   *     maxItemSize}, or (plain files) a length that does not match the header
   */
  static IdxFile open(Path path, Configuration conf, int expectedMagic, int maxItemSize)
      throws IOException {
    ByteStore store = ByteStores.forPath(path, conf);
    StoreEntry file = store.file(store.qualify(path));
    if (file == null) {
      throw new FileNotFoundException(path + ": no such file");
    }
    long fileLength = file.size();
    String name = path.toString();
    // through the file's store, s3:// included, read ahead as data sets are
    BufferedInputStream raw = new BufferedInputStream(new PrefetchingInputStream(
        ByteStores.open(store, file, conf), 0, fileLength,
        ReadOptions.forFile(file.path(), conf)), 1 << 16);
    InputStream in = raw;
    boolean gzip;
    try {
      raw.mark(2);
      gzip = raw.read() == 0x1F && raw.read() == 0x8B;
      raw.reset();
      if (gzip) {
        in = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
      }
      return readHeader(name, in, expectedMagic, maxItemSize, gzip ? -1 : fileLength);
    } catch (EOFException | ZipException e) {
      in.close();
      FormatException fe = new FormatException(name, 0, "corrupt or truncated gzip data in the"
          + " IDX header (" + e.getMessage() + ")");
      fe.initCause(e);
      throw fe;
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private static IdxFile readHeader(String name, InputStream in, int expectedMagic,
      int maxItemSize, long fileLength) throws IOException {
    byte[] word = new byte[4];
    if (readFully(in, word) < 4) {
      throw new FormatException(name, 0, "too short for an IDX header");
    }
    int magic = intBE(word);
    if (magic != expectedMagic) {
      throw new FormatException(name, 0, String.format(
          "IDX magic 0x%08X, expected 0x%08X (%s)", magic, expectedMagic,
          expectedMagic == IMAGES_MAGIC ? "3-dimensional uint8 images"
              : "1-dimensional uint8 labels"));
    }
    int ndim = magic & 0xFF;
    int[] dims = new int[ndim];
    long itemSize = 1;
    for (int i = 0; i < ndim; i++) {
      if (readFully(in, word) < 4) {
        throw new FormatException(name, 4L + 4L * i, "truncated IDX header: dimension " + i
            + " of " + ndim + " is missing");
      }
      long d = Integer.toUnsignedLong(intBE(word));
      if (d > Integer.MAX_VALUE) {
        throw new FormatException(name, 4L + 4L * i, "IDX dimension " + i + " = " + d
            + " is too large");
      }
      if (i > 0) {
        if (d == 0) {
          throw new FormatException(name, 4L + 4L * i, "IDX item dimension " + i + " is 0");
        }
        itemSize *= d;
        if (itemSize > maxItemSize) {
          throw new FormatException(name, 4L + 4L * i, "IDX items of at least " + itemSize
              + " bytes (dimensions 1.." + i + ") exceed the " + maxItemSize
              + "-byte limit of one record");
        }
      }
      dims[i] = (int) d;
    }
    IdxFile f = new IdxFile(name, in, dims, (int) itemSize);
    if (fileLength >= 0) {
      long expected = f.dataOffset + f.count * itemSize;
      if (expected != fileLength) {
        throw new FormatException(name, f.dataOffset, "the header announces " + f.count
            + " items of " + itemSize + " bytes (" + expected + " bytes with the header), but the"
            + " file has " + fileLength + " bytes");
      }
    }
    return f;
  }

  /** The file name. */
  String name() {
    return name;
  }

  /** Number of items (the first dimension). */
  long count() {
    return count;
  }

  /** Dimension {@code i} (0 is the item count). */
  int dim(int i) {
    return dims[i];
  }

  /** Bytes per item. */
  int itemSize() {
    return itemSize;
  }

  /** Reads the next item into {@code dst[0, itemSize)}. */
  void readItem(byte[] dst) throws IOException {
    if (itemsRead >= count) {
      throw new IllegalStateException(name + ": all " + count + " items were read");
    }
    long at = dataOffset + itemsRead * itemSize;
    int got = readFully(in, dst, itemSize, at);
    if (got < itemSize) {
      throw new FormatException(name, at + got, "truncated IDX data: item " + itemsRead + " of "
          + count + " is incomplete (the data ends " + got + " bytes into it)");
    }
    itemsRead++;
  }

  /** Checks that nothing follows the last item (matters for gzip, where length is not known). */
  void checkFullyRead() throws IOException {
    if (itemsRead == count && readFully(in, new byte[1], 1, dataOffset + count * itemSize) > 0) {
      throw new FormatException(name, dataOffset + count * itemSize, "unexpected bytes after the "
          + count + " items the header announces");
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private static int readFully(InputStream in, byte[] dst) throws IOException {
    return readFully(in, dst, dst.length);
  }

  private int readFully(InputStream in, byte[] dst, int len, long at) throws IOException {
    try {
      return readFully(in, dst, len);
    } catch (EOFException | ZipException e) {
      FormatException fe = new FormatException(name, at, "corrupt or truncated gzip data ("
          + e.getMessage() + ")");
      fe.initCause(e);
      throw fe;
    }
  }

  private static int readFully(InputStream in, byte[] dst, int len) throws IOException {
    int done = 0;
    while (done < len) {
      int r = in.read(dst, done, len - done);
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  private static int intBE(byte[] b) {
    return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
  }
}
