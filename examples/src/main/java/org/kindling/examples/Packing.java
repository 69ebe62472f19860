package org.kindling.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.kindling.io.pack.IdxImagePacker;

/** Packs IDX image/label pairs to RecordIO once, skipping the work when the output is current. */
public final class Packing {
  private Packing() {}

  /**
   * Packs {@code images} + {@code labels} into {@code outPrefix.rec} and {@code outPrefix.idx},
   * unless both exist and are newer than the inputs.
   *
   * @return the {@code .rec} file
   */
  public static Path packIfStale(Path images, Path labels, Path outPrefix, String what,
      PrintWriter log) throws IOException {
    Path rec = Path.of(outPrefix + ".rec");
    Path idx = Path.of(outPrefix + ".idx");
    if (isCurrent(rec, images, labels) && isCurrent(idx, images, labels)) {
      log.printf(Locale.ROOT, "packing %s: %s is up to date%n", what, rec);
      return rec;
    }
    Files.createDirectories(rec.toAbsolutePath().getParent());
    log.printf(Locale.ROOT, "packing %s: %s -> %s ...%n", what, images.getFileName(), rec);
    long start = System.nanoTime();
    IdxImagePacker.Result r = IdxImagePacker.pack(
        new org.apache.hadoop.fs.Path(images.toAbsolutePath().toUri()),
        new org.apache.hadoop.fs.Path(labels.toAbsolutePath().toUri()),
        new org.apache.hadoop.fs.Path(outPrefix.toAbsolutePath().toUri()), new Configuration());
    log.printf(Locale.ROOT, "packing %s: %d images of %dx%d, %.1f MB in %.1f s%n", what,
        r.records(), r.rows(), r.cols(), Files.size(rec) / 1e6,
        (System.nanoTime() - start) / 1e9);
    return rec;
  }

  private static boolean isCurrent(Path out, Path... inputs) throws IOException {
    if (!Files.isRegularFile(out)) {
      return false;
    }
    long t = Files.getLastModifiedTime(out).toMillis();
    for (Path in : inputs) {
      if (Files.getLastModifiedTime(in).toMillis() > t) {
        return false;
      }
    }
    return true;
  }
}
