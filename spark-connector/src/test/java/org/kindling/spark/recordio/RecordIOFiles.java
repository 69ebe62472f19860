package org.kindling.spark.recordio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.kindling.io.LocatedRecord;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.recordio.RecordIOReader;
import org.kindling.io.recordio.RecordIOWriter;
import org.kindling.io.split.RecordIOPartReader;
import org.kindling.io.split.RecordIOSplit;

/** Test helpers: a local Spark session, RecordIO files, and the records the io module reads. */
public final class RecordIOFiles {
  private RecordIOFiles() {}

  /** A {@code local[2]} session bound to loopback. */
  public static SparkSession spark(String app) {
    return SparkSession.builder().master("local[2]").appName(app)
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").getOrCreate();
  }

  /** Writes {@code records} as one RecordIO file. */
  static Path write(Path file, List<byte[]> records) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); RecordIOWriter w = new RecordIOWriter(out)) {
      for (byte[] r : records) {
        w.write(r);
      }
    }
    return file;
  }

  /**
   * {@code n} image records of random content sizes in {@code [0, maxContent]}: every third has
   * a multi-label header, the others a scalar label; ids are {@code firstId + i}.
   */
  static List<byte[]> imageRecords(Random r, int n, int maxContent, long firstId) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] content = new byte[r.nextInt(maxContent + 1)];
      r.nextBytes(content);
      ImageRecordHeader h = i % 3 == 2
          ? ImageRecordHeader.ofLabels(new float[] {i, -i, 0.5f * i}, firstId + i, 0)
          : ImageRecordHeader.of(r.nextInt(10), firstId + i, 0);
      out.add(ImageRecordHeader.pack(h, content));
    }
    return out;
  }

  /** Every record of {@code file}, read sequentially with {@link RecordIOReader}. */
  static List<LocatedRecord> readAll(Path file) throws IOException {
    List<LocatedRecord> out = new ArrayList<>();
    try (RecordIOReader reader = RecordIOReader.open(
        new org.apache.hadoop.fs.Path(file.toUri()), new Configuration())) {
      byte[] p;
      while ((p = reader.next()) != null) {
        out.add(new LocatedRecord(p, file.toString(), reader.lastRecordOffset(), -1));
      }
    }
    return out;
  }

  /** The records of part {@code k} of {@code n}, as the io module divides {@code uri}. */
  static List<LocatedRecord> part(String uri, int k, int n) throws IOException {
    List<LocatedRecord> out = new ArrayList<>();
    try (RecordIOPartReader reader = RecordIOSplit.open(uri, new Configuration()).openPart(k, n)) {
      LocatedRecord r;
      while ((r = reader.next()) != null) {
        out.add(r);
      }
    }
    return out;
  }
}
