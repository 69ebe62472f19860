package org.kindling.bench.decode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.kindling.bench.MachineInfo;
import org.kindling.io.image.ImageAugParams;
import org.kindling.io.image.ImageCodec;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.image.ImageRecordIter;
import org.kindling.io.image.RawImageRecordIter;
import org.kindling.io.recordio.RecordIOWriter;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataIter;

/**
 * Image decoding throughput of {@link ImageRecordIter} in images/s, on 1 and on N decoding
 * threads: 28x28 raw grey records (no decoding) and 256-pixel JPEGs (about 256x340) resized to
 * 256, randomly cropped to 224x224, randomly mirrored and normalized. Also the decoder choice of
 * docs/decisions/0022: OpenCV's {@code imdecode} (through the iterator's codec) against the JDK's
 * {@code ImageIO.read} on the same JPEG, one thread. Prints a Markdown section.
 *
 * <p>usage: {@code DecodeBench [threads (default: processors)] [jpeg images (default 256)]}
 */
public final class DecodeBench {
  private static final int BATCH = 32;

  private DecodeBench() {}

  public static void main(String[] args) throws IOException {
    int threads = args.length > 0 ? Integer.parseInt(args[0])
        : Runtime.getRuntime().availableProcessors();
    int jpegs = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    Path dir = Files.createTempDirectory("kindling-decode-bench");
    Path raw = write(dir.resolve("raw28.rec"), 8192, DecodeBench::rawRecord);
    Path jpg = write(dir.resolve("jpeg256.rec"), jpegs, DecodeBench::jpegRecord);
    System.out.println("- machine: " + MachineInfo.line());
    System.out.println("- load average before: " + loadAverage());
    System.out.println();
    System.out.println("| records | augmentation | threads | images/s |");
    System.out.println("|---|---|---:|---:|");
    ImageAugParams rawAug = ImageAugParams.builder(Shape.of(1, 28, 28)).scale(1f / 255).build();
    ImageAugParams jpegAug = ImageAugParams.builder(Shape.of(3, 224, 224)).resize(256)
        .randCrop(true).randMirror(true).mean(123.68f, 116.28f, 103.53f)
        .std(58.395f, 57.12f, 57.375f).build();
    System.out.printf("| 28x28 raw uint8 | RawImageRecordIter (no pool), scale 1/255 | 1 |"
        + " %.0f |%n", rawBaseline(raw, 3));
    for (int t : distinct(1, threads)) {
      System.out.printf("| 28x28 raw uint8 | scale 1/255 | %d | %.0f |%n", t,
          rate(raw, rawAug, true, t, 3));
    }
    for (int t : distinct(1, threads)) {
      System.out.printf("| ~256x340 JPEG q90 | resize 256, rand_crop 224, rand_mirror, mean/std"
          + " | %d | %.0f |%n", t, rate(jpg, jpegAug, false, t, 2));
    }
    decoderComparison();
    System.out.println();
    System.out.println("- load average after: " + loadAverage());
  }

  private static int[] distinct(int a, int b) {
    return a == b ? new int[] {a} : new int[] {a, b};
  }

  private interface RecordMaker {
    byte[] make(int i, Random r);
  }

  private static Path write(Path file, int n, RecordMaker maker) throws IOException {
    Random r = new Random(42);
    try (OutputStream out = Files.newOutputStream(file);
        RecordIOWriter w = new RecordIOWriter(out)) {
      for (int i = 0; i < n; i++) {
        w.write(maker.make(i, r));
      }
    }
    return file;
  }

  private static byte[] rawRecord(int i, Random r) {
    byte[] px = new byte[28 * 28];
    r.nextBytes(px);
    return ImageRecordHeader.pack(ImageRecordHeader.of(i % 10, i, 0), px);
  }

  /** A photo-like 256x340 image: smooth gradients, blobs and noise, JPEG quality 90. */
  static byte[] jpeg(int h, int w, Random r) {
    byte[] px = new byte[h * w * 3];
    double fx = 0.01 + r.nextDouble() * 0.05;
    double fy = 0.01 + r.nextDouble() * 0.05;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          double v = 128 + 90 * Math.sin(x * fx * (c + 1) + y * fy) * Math.cos(y * fy * (3 - c))
              + r.nextGaussian() * 12;
          px[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, (int) v));
        }
      }
    }
    return ImageCodec.encode(px, h, w, 3, ".jpg", 90);
  }

  private static byte[] jpegRecord(int i, Random r) {
    return ImageRecordHeader.pack(ImageRecordHeader.of(i % 1000, i, 0), jpeg(256, 340, r));
  }

  /** Best images/s of {@code passes} passes of an {@link ImageRecordIter} over {@code rec}. */
  private static double rate(Path rec, ImageAugParams aug, boolean raw, int threads, int passes)
      throws IOException {
    RecordIOSplit split = RecordIOSplit.open(rec.toUri().toString(), new Configuration());
    try (ImageRecordIter it = ImageRecordIter.builder(split.openPart(0, 1), aug, BATCH)
        .rawPixels(raw).preprocessThreads(threads).prefetchBatches(4).build()) {
      return best(it, passes);
    }
  }

  /** Best images/s of {@code passes} full passes over {@code it}, after one warm-up pass. */
  private static double best(DataIter it, int passes) throws IOException {
    double best = 0;
    for (int p = 0; p <= passes; p++) {
      long t0 = System.nanoTime();
      long images = 0;
      for (DataBatch b = it.next(); b != null; b = it.next()) {
        images += BATCH - b.pad();
        b.close();
      }
      double s = (System.nanoTime() - t0) / 1e9;
      if (p > 0) {
        best = Math.max(best, images / s);
      }
      it.reset();
    }
    return best;
  }

  /** The existing single-threaded raw-pixel iterator, measured as {@link #rate}. */
  private static double rawBaseline(Path rec, int passes) throws IOException {
    RecordIOSplit split = RecordIOSplit.open(rec.toUri().toString(), new Configuration());
    try (RawImageRecordIter it =
        RawImageRecordIter.builder(split.openPart(0, 1), Shape.of(1, 28, 28), BATCH).build()) {
      return best(it, passes);
    }
  }

  /** OpenCV (through a 1-thread iterator without augmentation) vs JDK ImageIO decode only. */
  private static void decoderComparison() throws IOException {
    Random r = new Random(7);
    List<byte[]> images = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      images.add(jpeg(256, 340, r));
    }
    double best = 0;
    for (int pass = 0; pass < 4; pass++) {
      long t0 = System.nanoTime();
      for (byte[] b : images) {
        if (ImageIO.read(new ByteArrayInputStream(b)).getWidth() != 340) {
          throw new IllegalStateException("ImageIO decoded a wrong width");
        }
      }
      double s = (System.nanoTime() - t0) / 1e9;
      if (pass > 0) {
        best = Math.max(best, images.size() / s);
      }
    }
    Path dir = Files.createTempDirectory("kindling-decode-cmp");
    Path rec = write(dir.resolve("cmp.rec"), images.size(),
        (i, rr) -> ImageRecordHeader.pack(ImageRecordHeader.of(0, i, 0), images.get(i)));
    double cv = rate(rec, ImageAugParams.builder(Shape.of(3, 256, 340)).build(), false, 1, 3);
    System.out.println();
    System.out.printf("Decoder alone, 256x340 JPEG, 1 thread: OpenCV imdecode (in the iterator,"
        + " with BGR->RGB float conversion) %.0f images/s; JDK ImageIO.read %.0f images/s.%n", cv,
        best);
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).strip();
  }
}
