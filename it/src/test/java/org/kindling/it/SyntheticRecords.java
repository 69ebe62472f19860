package org.kindling.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.recordio.RecordIOWriter;

/**
 * Small raw-pixel image records for tests: 4 classes of {@code pixels}-byte images, class k
 * bright in the k-th quarter of the pixels, so a small MLP learns them in an epoch.
 */
final class SyntheticRecords {
  private SyntheticRecords() {}

  static void write(Path file, int n, int pixels, long seed) throws IOException {
    Random rnd = new Random(seed);
    int block = pixels / 4;
    try (OutputStream out = Files.newOutputStream(file);
        RecordIOWriter w = new RecordIOWriter(out)) {
      for (int i = 0; i < n; i++) {
        int label = rnd.nextInt(4);
        byte[] img = new byte[pixels];
        for (int j = 0; j < pixels; j++) {
          img[j] = (byte) ((j / block == label ? 160 : 30) + rnd.nextInt(40));
        }
        w.write(ImageRecordHeader.pack(ImageRecordHeader.of(label, i, 0), img));
      }
    }
  }
}
