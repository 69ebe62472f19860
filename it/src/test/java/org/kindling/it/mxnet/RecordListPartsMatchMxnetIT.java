package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kindling.io.LocatedRecord;
import org.kindling.io.image.ImageAugParams;
import org.kindling.io.image.ImageCodec;
import org.kindling.io.image.ImageRecord;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.image.ImageRecordIter;
import org.kindling.io.split.RecordIOPartReader;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.it.CliRun;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;

/**
 * A data set of several {@code .rec} files, written by MXNet's own RecordIO writer, partitioned
 * into N parts: for every part K, Kindling's {@link RecordIOSplit} part holds exactly the records
 * that MXNet's {@code ImageRecordIter(path_imgrec="a.rec;empty.rec;b.rec;c.rec", num_parts=N,
 * part_index=K)} yields, in the same order (dmlc's {@code InputSplit} over the list: one global
 * byte space, {@code nstep = round_up(ceil(S/N), 4)}, ends moved to record heads).
 *
 * <p>ImageRecordIter gives no record ids or bytes, only labels and decoded pixels, so each
 * record names itself in its labels ({@code label_width} 3: file, record, extra) and carries a
 * lossless PNG of its own pixels: MXNet's labels and pixels identify the record and its payload.
 * Records are of different sizes (smooth to noisy images) and every fifth has the RecordIO magic
 * word as its extra label, at an aligned offset, so that both writers split it into several
 * physical parts, which the part boundaries must resync over. The empty file is in the list
 * because dmlc drops empty files from the byte space.
 */
class RecordListPartsMatchMxnetIT {
  private static final int SIDE = 16;
  private static final int[] RECORDS = {7, 0, 19, 11};
  private static final String[] NAMES = {"a.rec", "empty.rec", "b.rec", "c.rec"};
  /** RecordIO's magic word {@code 0xced7230a} as a float's bits. */
  private static final float MAGIC = Float.intBitsToFloat(0xced7230a);

  @TempDir static Path dir;

  /** Per file, per record: the payload MXNet's writer wrote. */
  private static final List<List<byte[]>> payloads = new ArrayList<>();
  /** Per file, per record: the image's pixels, BGR interleaved. */
  private static final List<List<byte[]>> pixels = new ArrayList<>();
  private static String uri;

  @BeforeAll
  static void writeDataSet() {
    OracleExecution.require();
    Random r = new Random(9);
    StringBuilder list = new StringBuilder();
    for (int f = 0; f < NAMES.length; f++) {
      List<byte[]> recs = new ArrayList<>();
      List<byte[]> px = new ArrayList<>();
      for (int i = 0; i < RECORDS[f]; i++) {
        // noise of amplitude 0..255: PNG payloads of very different sizes
        byte[] p = image(r, r.nextInt(256));
        px.add(p);
        float extra = i % 5 == 2 ? MAGIC : i % 4;
        byte[] png = ImageCodec.encode(p, SIDE, SIDE, 3, ".png", 9);
        recs.add(ImageRecordHeader.pack(
            ImageRecordHeader.ofLabels(new float[] {f, i, extra}, 1000L * f + i, 0), png));
      }
      Path file = dir.resolve(NAMES[f]);
      MxRecordIO.write(file, recs);
      payloads.add(recs);
      pixels.add(px);
      list.append(f == 0 ? "" : ";").append(file);
    }
    uri = list.toString();
  }

  private static byte[] image(Random r, int noise) {
    byte[] p = new byte[SIDE * SIDE * 3];
    int base = r.nextInt(128);
    for (int k = 0; k < p.length; k++) {
      p[k] = (byte) (base + (k % 48) + (noise == 0 ? 0 : r.nextInt(noise + 1)) / 2);
    }
    return p;
  }

  /** A record as MXNet's ImageRecordIter showed it: its three labels and CHW RGB pixels. */
  private record Seen(float[] labels, float[] data) {}

  private static List<Seen> mxnetPart(int part, int parts) {
    Map<String, String> kw = new LinkedHashMap<>();
    kw.put("path_imgrec", uri);
    kw.put("data_shape", "(3," + SIDE + "," + SIDE + ")");
    kw.put("batch_size", "1");
    kw.put("label_width", "3");
    kw.put("num_parts", Integer.toString(parts));
    kw.put("part_index", Integer.toString(part));
    kw.put("preprocess_threads", "1");
    List<Seen> out = new ArrayList<>();
    for (MxDataIter.Batch b : MxDataIter.epoch("ImageRecordIter", kw)) {
      assertThat(b.pad()).as("pad with batch size 1").isZero();
      out.add(new Seen(b.label(), b.data()));
    }
    return out;
  }

  @ParameterizedTest(name = "{0} parts")
  @ValueSource(ints = {1, 2, 3, 4, 5, 8, 13, 64})
  void everyPartHoldsMxnetsRecords(int parts) throws IOException {
    Configuration conf = new Configuration();
    RecordIOSplit split = RecordIOSplit.open(uri, conf);
    assertThat(split.files()).as("files after dropping the empty one").hasSize(3);
    Map<Long, Integer> seenIn = new HashMap<>();
    for (int part = 0; part < parts; part++) {
      List<Seen> want = mxnetPart(part, parts);
      List<LocatedRecord> got = new ArrayList<>();
      try (RecordIOPartReader reader = split.openPart(part, parts)) {
        for (LocatedRecord rec = reader.next(); rec != null; rec = reader.next()) {
          got.add(rec);
        }
      }
      assertThat(got).as("records of part %d/%d", part, parts).hasSize(want.size());
      for (int j = 0; j < got.size(); j++) {
        ImageRecord rec = ImageRecordHeader.unpack(got.get(j).payload());
        float[] labels = rec.header().labels();
        String where = "record " + j + " of part " + part + "/" + parts;
        assertThat(labels).as("Kindling's labels of %s against MXNet's", where)
            .containsExactly(want.get(j).labels());
        int f = (int) labels[0];
        int i = (int) labels[1];
        assertThat(rec.header().id()).as("id of %s", where).isEqualTo(1000L * f + i);
        assertThat(got.get(j).payload()).as("bytes of %s (file %d record %d)", where, f, i)
            .isEqualTo(payloads.get(f).get(i));
        assertThat(got.get(j).file()).as("file of %s", where).endsWith(NAMES[f]);
        assertThat(seenIn.put(1000L * f + i, part)).as("part of file %d record %d", f, i)
            .isNull();
        assertThat(want.get(j).data()).as("MXNet's pixels of %s are file %d record %d's",
            where, f, i).containsExactly(RecordBytes.chwRgb(pixels.get(f).get(i), SIDE));
      }
    }
    assertThat(seenIn).as("records over all parts").hasSize(7 + 19 + 11);
  }

  /**
   * Kindling's whole pipeline on a part of the list (the part reader under {@link
   * ImageRecordIter}, PNG decode, batches of 2 with MXNet's padding) against MXNet's
   * ImageRecordIter with the same batch size; and {@code kindling recordio dump --part K/N} on
   * the list names the same records.
   */
  @ParameterizedTest(name = "part {0} of 3")
  @ValueSource(ints = {0, 1, 2})
  void kindlingsIteratorAndDumpOnAPartOfTheList(int part) throws IOException {
    int parts = 3;
    Map<String, String> kw = new LinkedHashMap<>();
    kw.put("path_imgrec", uri);
    kw.put("data_shape", "(3," + SIDE + "," + SIDE + ")");
    kw.put("batch_size", "2");
    kw.put("label_width", "3");
    kw.put("num_parts", Integer.toString(parts));
    kw.put("part_index", Integer.toString(part));
    kw.put("preprocess_threads", "1");
    List<MxDataIter.Batch> want = MxDataIter.epoch("ImageRecordIter", kw);

    List<DataBatch> got = new ArrayList<>();
    ImageAugParams aug = ImageAugParams.builder(Shape.of(3, SIDE, SIDE)).build();
    try (ImageRecordIter it = ImageRecordIter.builder(
        RecordIOSplit.open(uri, new Configuration()).openPart(part, parts), aug, 2)
        .labelWidth(3).preprocessThreads(2).build()) {
      for (DataBatch b = it.next(); b != null; b = it.next()) {
        got.add(b);
      }
    }
    assertThat(got).as("batches").hasSize(want.size()).isNotEmpty();
    for (int b = 0; b < want.size(); b++) {
      assertThat(got.get(b).pad()).as("pad of batch %d", b).isEqualTo(want.get(b).pad());
      assertThat(got.get(b).label().get(0).toFloatArray()).as("labels of batch %d", b)
          .containsExactly(want.get(b).label());
      assertThat(got.get(b).data().get(0).toFloatArray()).as("pixels of batch %d", b)
          .containsExactly(want.get(b).data());
    }

    CliRun dump = CliRun.of("recordio", "dump", "--part", part + "/" + parts, uri);
    assertThat(dump.code()).as(dump.err()).isZero();
    List<String> lines = dump.outLines();
    List<Seen> records = mxnetPart(part, parts);
    assertThat(lines).hasSameSizeAs(records);
    for (int j = 0; j < lines.size(); j++) {
      String[] cols = lines.get(j).split("\t");
      int f = (int) records.get(j).labels()[0];
      int i = (int) records.get(j).labels()[1];
      assertThat(cols[0]).isEqualTo(Integer.toString(j));
      assertThat(cols[1]).as("file of dump line %d", j).endsWith(NAMES[f]);
      assertThat(cols[3]).as("length of dump line %d", j)
          .isEqualTo(Integer.toString(payloads.get(f).get(i).length));
      assertThat(cols[4]).as("sha256 of dump line %d", j)
          .isEqualTo(RecordBytes.sha256(payloads.get(f).get(i)));
    }
  }

  /**
   * Where Kindling deliberately differs: a list entry that names no file. dmlc's {@code
   * ConvertToURIs} reads an entry without an exact match as a regular expression over its
   * directory, so a missing file matches nothing and MXNet silently reads the others (only a list
   * that matches nothing at all is an error there). Kindling refuses the list, naming the missing
   * path, so that a typo cannot train on part of the data.
   */
  @Test
  void aMissingFileInTheListIsDroppedByMxnetAndRefusedByKindling() {
    String bad = uri + ";" + dir.resolve("missing.rec");
    Map<String, String> kw = new LinkedHashMap<>();
    kw.put("path_imgrec", bad);
    kw.put("data_shape", "(3," + SIDE + "," + SIDE + ")");
    kw.put("batch_size", "1");
    kw.put("label_width", "3");
    kw.put("preprocess_threads", "1");
    assertThat(MxDataIter.epoch("ImageRecordIter", kw)).as("MXNet's records").hasSize(7 + 19 + 11);
    assertThatThrownBy(
        () -> RecordIOSplit.open(bad, new Configuration()))
        .isInstanceOf(java.io.FileNotFoundException.class).hasMessageContaining("missing.rec");
  }
}
