package org.kindling.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kindling.examples.PredictionsCsv;
import org.kindling.spark.HadoopFiles;
import org.kindling.spark.ImageRecordFrames;
import org.kindling.spark.KindlingModel;
import org.kindling.spark.Networks;
import org.kindling.symbol.InferredShapes;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.ParamsFile;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The command line's outputs on the four stores of {@link FourStores} (local files, HDFS, s3a and
 * native {@code s3://}), all through the one atomic commit of their store (decision 0086): {@code
 * kindling score --out} writes the same CSV everywhere, replacing an older file; a predictions
 * CSV whose scoring fails after its first rows were written leaves nothing under its name, or the
 * older file as it was; {@code kindling im2rec} lists an image folder, packs the lists and packs
 * IDX files from and to every store, byte for byte as on local files, and a failed pack leaves
 * the previous output in place. One HDFS and one S3 server for the class.
 */
class CliOutputsIT {
  private static final List<String> STORES = List.of("file", "hdfs", "s3a", "s3");
  private static final int PIXELS = 64;
  /** Output classes of the wide checkpoint: about 2.6 KB of CSV per row with --with-output. */
  private static final int WIDE_CLASSES = 200;
  private static final int FAILING_RECORDS = 10_000;
  /** Spark partitions of the failing data: 2,500 records each. */
  private static final int FAILING_PARTITIONS = 4;
  /** The corrupt record, in the second partition of the failing data. */
  private static final int CORRUPT_RECORD = 3_000;
  /** Rows written when the stores are looked at: about 6 MB of CSV, past one 5 MiB S3 part. */
  private static final int PROBE_ROWS = 2_200;

  private static Path work;
  private static FourStores stores;
  private static Configuration conf;
  private static S3Client sdk;
  private static Path data;
  private static List<String> settings;

  @BeforeAll
  static void start() throws Exception {
    work = TestDirs.fresh(Path.of("target", "cli-outputs-it").toAbsolutePath());
    stores = FourStores.start(work);
    conf = stores.conf();
    sdk = stores.sdk();
    data = work.resolve("data.rec");
    SyntheticRecords.write(data, 300, PIXELS, 31);
    writeCheckpoint(work.resolve("mlp"), 4);
    writeCheckpoint(work.resolve("wide"), WIDE_CLASSES);
    List<String> s = new ArrayList<>();
    conf.forEach(e -> {
      if (e.getKey().startsWith("fs.s3a.") || e.getKey().startsWith("kindling.")) {
        s.addAll(List.of("--conf", e.getKey() + "=" + e.getValue()));
      }
    });
    settings = List.copyOf(s);
  }

  @AfterAll
  static void stop() {
    if (stores != null) {
      stores.close();
    }
  }

  /** {@code PREFIX-symbol.json} and {@code PREFIX-0001.params} of an MLP 64-16-classes. */
  private static void writeCheckpoint(Path prefix, int classes) throws IOException {
    Symbol mlp = Networks.mlp(new int[] {16}, classes);
    Files.writeString(Path.of(prefix + "-symbol.json"), mlp.toJson());
    InferredShapes shapes = mlp.inferShape(Map.of("data", Shape.of(1, PIXELS)));
    Random rnd = new Random(7);
    List<String> names = new ArrayList<>();
    List<NDArray> arrays = new ArrayList<>();
    shapes.arguments().forEach((n, sh) -> {
      if (!n.equals("data") && !n.equals("softmax_label")) {
        float[] v = new float[sh.intSize()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) rnd.nextGaussian() * 0.3f;
        }
        names.add("arg:" + n);
        arrays.add(NDArray.of(v, sh));
      }
    });
    ParamsFile.writeAtomically(Path.of(prefix + "-0001.params"), names, arrays);
    arrays.forEach(NDArray::close);
  }

  /** The URI of {@code key} on store {@code i} of {@link #STORES}. */
  private static String uri(int store, String key) {
    String u = stores.uris(key).get(store);
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u; // an existing local folder's
  }

  /** The names directly in directory {@code dir} of any store, sorted. */
  private static List<String> names(String dir) throws IOException {
    return HadoopFiles.list(new org.apache.hadoop.fs.Path(dir), conf);
  }

  private static byte[] read(String uri) throws IOException {
    return HadoopFiles.readAll(new org.apache.hadoop.fs.Path(uri), conf);
  }

  private static boolean exists(String uri) throws IOException {
    return HadoopFiles.exists(new org.apache.hadoop.fs.Path(uri), conf);
  }

  private static int uploadsUnder(String prefix) {
    return sdk.listMultipartUploads(b -> b.bucket(FourStores.BUCKET).prefix(prefix)).uploads()
        .size();
  }

  private static CliRun cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args[0]));
    all.addAll(settings);
    all.addAll(List.of(args).subList(1, args.length));
    return CliRun.of(all.toArray(new String[0]));
  }

  /**
   * {@code kindling score --with-output --out} to a file, HDFS, s3a and s3, each over an older
   * file of that name: the same CSV bytes on every store, nothing else left in the directory
   * (no temporary file, no upload in progress).
   */
  @Test
  void scoreOutWritesTheSameCsvOnEveryStore() throws IOException {
    List<byte[]> csvs = new ArrayList<>();
    for (int i = 0; i < STORES.size(); i++) {
      String key = "scores/" + STORES.get(i) + "/predictions.csv";
      HadoopFiles.writeAtomically(new org.apache.hadoop.fs.Path(uri(i, key)),
          "old predictions\n".getBytes(StandardCharsets.UTF_8), conf);
      CliRun r = cli("score", "--model-prefix", work.resolve("mlp").toString(), "--epoch", "1",
          "--data", data.toString(), "--input-shape", Integer.toString(PIXELS),
          "--with-output", "--out", uri(i, key));
      assertThat(r.code()).as(STORES.get(i) + ": " + r.err()).isZero();
      assertThat(r.out()).contains("(300 records)");
      csvs.add(read(uri(i, key)));
      assertThat(names(uri(i, "scores/" + STORES.get(i)))).as(STORES.get(i))
          .containsExactly("predictions.csv");
    }
    List<String> lines = new String(csvs.get(0), StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(301);
    assertThat(lines.get(0)).isEqualTo("id,label,prediction,output_0,output_1,output_2,output_3");
    assertThat(lines.subList(1, 301)).allMatch(l -> l.matches("\\d+,[0-3],[0-3](,[^,]+){4}"));
    for (int i = 1; i < STORES.size(); i++) {
      assertThat(csvs.get(i)).as(STORES.get(i)).isEqualTo(csvs.get(0));
    }
    assertThat(uploadsUnder("scores/")).isZero();
  }

  /**
   * The rows of a predictions CSV fail after the first partition's were written (a corrupt record
   * in the second partition fails its Spark task while the CSV streams): on every store nothing
   * appears under the name while the rows are written nor after the failure, an older file there
   * stays as it was, and nothing is left behind (the temporary file deleted on local files and
   * HDFS, the multipart upload that native s3 had started aborted).
   */
  @Test
  void aPredictionsCsvWhoseScoringFailsMidWayLeavesNothingOrTheOlderFile() throws Exception {
    Path bad = work.resolve("bad.rec");
    SyntheticRecords.write(bad, FAILING_RECORDS, PIXELS, 32);
    // records are 8 + 24 + 64 = 96 bytes: break the head of one in the second half
    try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
      f.seek((long) CORRUPT_RECORD * 96);
      f.writeInt(0);
    }
    byte[] old = "older predictions\n".getBytes(StandardCharsets.UTF_8);
    SparkSession spark = stores.spark("CliOutputsIT");
    try {
      KindlingModel model = KindlingModel.fromCheckpoint(work.resolve("wide").toString(), 1)
          .setInputShape(new int[] {PIXELS}).setBatchSize(256).setProbabilityCol("output");
      Dataset<Row> scored = model.transform(ImageRecordFrames.read(spark, bad.toString(),
          PIXELS, 1f / 255f, FAILING_PARTITIONS)).select("id", "label", "prediction", "output").cache();
      for (int i = 0; i < STORES.size(); i++) {
        String store = STORES.get(i);
        for (boolean older : new boolean[] {false, true}) {
          String dir = uri(i, "failed/" + store + (older ? "/older" : "/none"));
          String target = dir + "/predictions.csv";
          if (older) {
            HadoopFiles.writeAtomically(new org.apache.hadoop.fs.Path(target), old, conf);
          }
          String key = "failed/" + store + (older ? "/older" : "/none") + "/predictions.csv";
          List<String> midWay = new ArrayList<>();
          // part of the way into the first partition's rows: what the store shows
          Probe rows = new Probe(scored.toLocalIterator(), PROBE_ROWS, () -> {
            try {
              midWay.add(older ? new String(read(target), StandardCharsets.UTF_8)
                  : Boolean.toString(exists(target)));
              if (store.equals("file") || store.equals("hdfs")) {
                midWay.add(String.join(" ", names(dir)));
              } else if (store.equals("s3")) {
                midWay.add("uploads " + uploadsUnder(key));
              }
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
          assertThatThrownBy(() -> PredictionsCsv.write(rows, true,
              new org.apache.hadoop.fs.Path(target), conf))
              .as(target).hasStackTraceContaining("bad.rec");
          // the first partition's rows were all written before the second one failed
          assertThat(rows.delivered).as(target).isEqualTo(FAILING_RECORDS / FAILING_PARTITIONS);
          // while the rows were written: the name held nothing, or the older file
          assertThat(midWay.get(0)).as(target)
              .isEqualTo(older ? new String(old, StandardCharsets.UTF_8) : "false");
          if (store.equals("file") || store.equals("hdfs")) {
            assertThat(midWay.get(1)).as(target).matches(
                "\\.predictions\\.csv\\.[0-9a-f-]+\\.tmp" + (older ? " predictions\\.csv" : ""));
          } else if (store.equals("s3")) {
            assertThat(midWay.get(1)).as(target).isEqualTo("uploads 1"); // parts were uploaded
          }
          // after the failure: the same, and nothing else left
          if (older) {
            assertThat(read(target)).as(target).isEqualTo(old);
            assertThat(names(dir)).as(target).containsExactly("predictions.csv");
          } else {
            assertThat(exists(target)).as(target).isFalse();
            assertThat(names(dir)).as(target).isEmpty();
          }
        }
      }
      assertThat(uploadsUnder("failed/")).isZero();
      assertThat(sdk.listObjectsV2(b -> b.bucket(FourStores.BUCKET).prefix("failed/"))
          .contents()).extracting(o -> o.key()).containsExactlyInAnyOrder(
              "failed/s3a/older/predictions.csv", "failed/s3/older/predictions.csv");
    } finally {
      spark.stop();
    }
  }

  /** Passes rows through, running {@code probe} once when {@code at} rows were delivered. */
  private static final class Probe implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final int at;
    private final Runnable probe;
    int delivered;

    Probe(Iterator<Row> rows, int at, Runnable probe) {
      this.rows = rows;
      this.at = at;
      this.probe = probe;
    }

    @Override
    public boolean hasNext() {
      if (delivered == at) {
        probe.run();
      }
      return rows.hasNext();
    }

    @Override
    public Row next() {
      delivered++;
      return rows.next();
    }
  }

  /** A small PNG: {@code shade} fills it, so every image's bytes differ. */
  private static byte[] png(int shade) throws IOException {
    BufferedImage img = new BufferedImage(6, 5, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 6; x++) {
        img.setRGB(x, y, (shade * 37 + x * 11 + y * 5) & 0xFFFFFF);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /**
   * {@code kindling im2rec --list --recursive --train-ratio 0.75} of an image folder, then the
   * packing of both lists, with the folder and the outputs on each store: the lists, {@code .rec}
   * and {@code .idx} files are byte for byte those of local files, nothing else is left in the
   * output directory; then a pack that fails on a missing image leaves the packed files as they
   * were.
   */
  @Test
  void im2recListsAndPacksAFolderOnEveryStore() throws IOException {
    int n = 0;
    for (String cls : List.of("cat", "dog", "owl")) {
      for (int k = 0; k < 4; k++) {
        stores.put("images/" + cls + "/" + cls + k + ".png", png(n++));
      }
    }
    stores.put("images/notes.txt", "not an image".getBytes(StandardCharsets.UTF_8));
    List<String> outputs = List.of("data_train.lst", "data_val.lst", "data_train.rec",
        "data_train.idx", "data_val.rec", "data_val.idx");
    List<List<byte[]>> written = new ArrayList<>();
    for (int i = 0; i < STORES.size(); i++) {
      String dir = uri(i, "packed/" + STORES.get(i));
      String prefix = dir + "/data";
      String root = uri(i, "images");
      CliRun list = cli("im2rec", "--list", "--recursive", "--train-ratio", "0.75", prefix,
          root);
      assertThat(list.code()).as(STORES.get(i) + ": " + list.err()).isZero();
      CliRun pack = cli("im2rec", "--pass-through", prefix, root);
      assertThat(pack.code()).as(STORES.get(i) + ": " + pack.err()).isZero();
      assertThat(pack.outLines()).hasSize(2).allMatch(l -> l.startsWith("packed "));
      assertThat(names(dir)).as(STORES.get(i)).containsExactlyInAnyOrderElementsOf(outputs);
      List<byte[]> files = new ArrayList<>();
      for (String name : outputs) {
        files.add(read(dir + "/" + name));
      }
      written.add(files);
    }
    String trainList = new String(written.get(0).get(0), StandardCharsets.UTF_8);
    assertThat(trainList.lines()).hasSize(9)
        .allMatch(l -> l.matches("\\d+\t[0-2]\\.000000\t(cat|dog|owl)/\\w+\\.png"));
    for (int i = 1; i < STORES.size(); i++) {
      for (int f = 0; f < outputs.size(); f++) {
        assertThat(written.get(i).get(f)).as(STORES.get(i) + " " + outputs.get(f))
            .isEqualTo(written.get(0).get(f));
      }
    }
    // a list naming a missing image: the pack fails, the outputs it would replace stay
    for (int i = 0; i < STORES.size(); i++) {
      String dir = uri(i, "packed/" + STORES.get(i));
      HadoopFiles.writeAtomically(new org.apache.hadoop.fs.Path(dir + "/broken.lst"),
          "0\t0\tcat/cat0.png\n1\t0\tcat/missing.png\n".getBytes(StandardCharsets.UTF_8), conf);
      CliRun r = cli("im2rec", "--pass-through", "--lst", dir + "/broken.lst", dir + "/data_train",
          uri(i, "images"));
      assertThat(r.code()).as(STORES.get(i) + ": " + r.err()).isEqualTo(1);
      assertThat(r.err()).contains("missing.png");
      assertThat(read(dir + "/data_train.rec")).as(STORES.get(i))
          .isEqualTo(written.get(0).get(2));
      assertThat(read(dir + "/data_train.idx")).as(STORES.get(i))
          .isEqualTo(written.get(0).get(3));
    }
    assertThat(uploadsUnder("packed/")).isZero();
  }

  /** IDX files of {@code n} 3x4 images and their labels, gzip-free. */
  private static byte[] idx(int magic, int[] dims, byte[] items) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + items.length);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.put(items).array();
  }

  /**
   * {@code kindling im2rec --idx-images --idx-labels} with the IDX files and the output on each
   * store: the same {@code .rec} and {@code .idx} as on local files.
   */
  @Test
  void im2recPacksIdxFilesFromAndToEveryStore() throws IOException {
    Random rnd = new Random(9);
    byte[] pixels = new byte[20 * 12];
    rnd.nextBytes(pixels);
    byte[] labels = new byte[20];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (byte) rnd.nextInt(10);
    }
    stores.put("idx/images-idx3-ubyte", idx(0x803, new int[] {20, 3, 4}, pixels));
    stores.put("idx/labels-idx1-ubyte", idx(0x801, new int[] {20}, labels));
    List<byte[]> recs = new ArrayList<>();
    List<byte[]> idxs = new ArrayList<>();
    for (int i = 0; i < STORES.size(); i++) {
      String prefix = uri(i, "idxpacked/" + STORES.get(i) + "/mnist");
      CliRun r = cli("im2rec", "--idx-images", uri(i, "idx/images-idx3-ubyte"), "--idx-labels",
          uri(i, "idx/labels-idx1-ubyte"), prefix);
      assertThat(r.code()).as(STORES.get(i) + ": " + r.err()).isZero();
      assertThat(r.out()).startsWith("packed 20 records into ");
      recs.add(read(prefix + ".rec"));
      idxs.add(read(prefix + ".idx"));
    }
    assertThat(new String(idxs.get(0), StandardCharsets.UTF_8).lines()).hasSize(20);
    for (int i = 1; i < STORES.size(); i++) {
      assertThat(recs.get(i)).as(STORES.get(i)).isEqualTo(recs.get(0));
      assertThat(idxs.get(i)).as(STORES.get(i)).isEqualTo(idxs.get(0));
    }
  }
}
