package org.kindling.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.recordio.RecordIOWriter;

/**
 * Small image-record files for tests: {@code classes} classes of {@code pixels}-byte images in
 * which class k lights up the k-th block of pixels (plus noise), so a small MLP separates them
 * within an epoch or two, and a broken trainer stays near chance.
 */
final class SyntheticData {
  private SyntheticData() {}

  /** Pixel bytes of one example of class {@code label}. */
  static byte[] image(int label, int classes, int pixels, Random rnd) {
    byte[] img = new byte[pixels];
    int block = pixels / classes;
    for (int p = 0; p < pixels; p++) {
      boolean on = p / block == label;
      int v = (on ? 150 : 40) + rnd.nextInt(80) - 40;
      img[p] = (byte) Math.max(0, Math.min(255, v));
    }
    return img;
  }

  /** Writes {@code n} records (labels cycling 0..classes-1 in random order) to {@code file}. */
  static void write(Path file, int n, int classes, int pixels, long seed) throws IOException {
    Random rnd = new Random(seed);
    try (OutputStream out = Files.newOutputStream(file);
        RecordIOWriter w = new RecordIOWriter(out)) {
      for (int i = 0; i < n; i++) {
        int label = rnd.nextInt(classes);
        w.write(ImageRecordHeader.pack(ImageRecordHeader.of(label, i, 0),
            image(label, classes, pixels, rnd)));
      }
    }
  }
}
