package org.kindling.it;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The first {@code n} items of a Fashion-MNIST IDX file (as Debian's dataset-fashion-mnist
 * installs them, gzip-compressed) written as a plain IDX file, so the tests train on a subset.
 */
public final class FashionSubset {
  /** Where Debian's dataset-fashion-mnist installs the gzip-compressed IDX files. */
  public static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

  private FashionSubset() {}

  /** Copies the header (with the count replaced by {@code n}) and the first {@code n} items. */
  static void head(Path gz, Path out, int n) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(gz));
        DataInputStream in = new DataInputStream(new GZIPInputStream(raw));
        DataOutputStream o = new DataOutputStream(Files.newOutputStream(out))) {
      int magic = in.readInt();
      int ndim = magic & 0xFF;
      int count = in.readInt();
      if (count < n) {
        throw new IOException(gz + " holds " + count + " items, fewer than " + n);
      }
      o.writeInt(magic);
      o.writeInt(n);
      long itemSize = 1;
      for (int d = 1; d < ndim; d++) {
        int dim = in.readInt();
        o.writeInt(dim);
        itemSize *= dim;
      }
      byte[] items = new byte[Math.toIntExact(itemSize * n)];
      in.readFully(items);
      o.write(items);
    }
  }

  /** Writes the first {@code n} images and labels of a split ({@code train} or {@code t10k}). */
  public static void write(String split, int n, Path images, Path labels) throws IOException {
    head(DIR.resolve(split + "-images-idx3-ubyte.gz"), images, n);
    head(DIR.resolve(split + "-labels-idx1-ubyte.gz"), labels, n);
  }
}
