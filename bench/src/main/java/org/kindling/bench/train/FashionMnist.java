package org.kindling.bench.train;

import java.io.IOException;
import java.nio.file.Path;
import org.kindling.tensor.FormatException;

/**
 * One split of Fashion-MNIST (or MNIST): images as floats in [0, 1] and labels 0–9.
 *
 * @param images {@code count x 784} row-major pixel values scaled by 1/255
 * @param labels {@code count} class indices
 * @param count number of samples
 */
public record FashionMnist(float[] images, int[] labels, int count) {
  /** Pixels per image. */
  public static final int FEATURES = 28 * 28;
  /** Number of classes. */
  public static final int CLASSES = 10;

  public FashionMnist {
    if (images.length != (long) count * FEATURES || labels.length != count) {
      throw new IllegalArgumentException(
          count + " samples need " + (long) count * FEATURES + " pixels and " + count
              + " labels; got " + images.length + " and " + labels.length);
    }
  }

  /**
   * Loads the first {@code limit} samples of a split from the Debian package's layout:
   * {@code dir/<split>-images-idx3-ubyte.gz} and {@code dir/<split>-labels-idx1-ubyte.gz}.
   *
   * @param split {@code train} or {@code t10k}
   * @throws FormatException if a file is corrupt, the image size is not 28×28, a label is out of
   *     range, or the two files hold different numbers of samples
   */
  public static FashionMnist load(Path dir, String split, int limit) throws IOException {
    Path imageFile = dir.resolve(split + "-images-idx3-ubyte.gz");
    Path labelFile = dir.resolve(split + "-labels-idx1-ubyte.gz");
    IdxReader.Items img = IdxReader.read(imageFile, 3, limit);
    IdxReader.Items lab = IdxReader.read(labelFile, 1, limit);
    if (img.itemBytes() != FEATURES) {
      throw new FormatException(imageFile.toString(), 8,
          "images are " + img.itemBytes() + " pixels, expected 28x28 = " + FEATURES);
    }
    if (img.count() != lab.count()) {
      throw new FormatException(labelFile.toString(), 4, lab.count() + " labels for "
          + img.count() + " images in " + imageFile);
    }
    float[] x = new float[img.data().length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (img.data()[i] & 0xff) / 255f;
    }
    int[] y = new int[lab.count()];
    for (int i = 0; i < y.length; i++) {
      y[i] = lab.data()[i] & 0xff;
      if (y[i] >= CLASSES) {
        throw new FormatException(labelFile.toString(), 8 + i, "label " + y[i] + " is not in 0..9");
      }
    }
    return new FashionMnist(x, y, img.count());
  }
}
