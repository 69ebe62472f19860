package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.it.CliRun;
import org.kindling.symbol.InferredShapes;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;

/**
 * A LeNet-style CNN in the form Gluon's {@code HybridBlock.export()} writes it in MXNet 1.4-1.6
 * ({@code hybridsequential0_conv0_fwd} node names, every operator attribute spelled out, variables
 * with {@code __shape__} (0 = unknown), {@code __dtype__}, {@code __init__}, {@code __lr_mult__}
 * attributes, {@code mxnet_version} 10600, parameters saved as {@code arg:NAME}): real MXNet
 * 1.9.1 saves the parameters and predicts, and {@code kindling predict} and {@code kindling
 * score} on the same files give MXNet's outputs.
 */
class GluonExportMatchesMxnetIT {
  private static final String P = "hybridsequential0_";

  @TempDir Path dir;

  private static String var(String name, String shape, boolean bias) {
    return "{\"op\": \"null\", \"name\": \"" + P + name + "\", \"attrs\": {\"__dtype__\": \"0\", "
        + (bias ? "\"__init__\": \"zeros\", " : "") + "\"__lr_mult__\": \"1.0\", \"__shape__\": \""
        + shape + "\", \"__storage_type__\": \"0\", \"__wd_mult__\": \"1.0\"}, \"inputs\": []}";
  }

  private static String op(String op, String name, String attrs, int... inputs) {
    StringBuilder in = new StringBuilder();
    for (int i : inputs) {
      in.append(in.length() == 0 ? "" : ", ").append("[").append(i).append(", 0, 0]");
    }
    return "{\"op\": \"" + op + "\", \"name\": \"" + P + name + "\", \"attrs\": {" + attrs
        + "}, \"inputs\": [" + in + "]}";
  }

  private static String conv(String name, int filters, int... inputs) {
    return op("Convolution", name, "\"dilate\": \"(1, 1)\", \"kernel\": \"(5, 5)\", "
        + "\"layout\": \"NCHW\", \"no_bias\": \"False\", \"num_filter\": \"" + filters
        + "\", \"num_group\": \"1\", \"pad\": \"(0, 0)\", \"stride\": \"(1, 1)\"", inputs);
  }

  private static String pool(String name, int input) {
    return op("Pooling", name, "\"global_pool\": \"False\", \"kernel\": \"(2, 2)\", "
        + "\"layout\": \"NCHW\", \"pad\": \"(0, 0)\", \"pool_type\": \"max\", "
        + "\"pooling_convention\": \"valid\", \"stride\": \"(2, 2)\"", input);
  }

  private static String dense(String name, int units, int... inputs) {
    return op("FullyConnected", name, "\"flatten\": \"True\", \"no_bias\": \"False\", "
        + "\"num_hidden\": \"" + units + "\"", inputs);
  }

  private static String tanh(String name, int input) {
    return op("Activation", name, "\"act_type\": \"tanh\"", input);
  }

  /** conv(6) tanh pool conv(16) tanh pool dense(120) tanh dense(84) relu dense(10). */
  static String symbolJson() {
    List<String> n = new ArrayList<>();
    n.add("{\"op\": \"null\", \"name\": \"data\", \"inputs\": []}"); // 0
    n.add(var("conv0_weight", "(6, 0, 5, 5)", false)); // 1
    n.add(var("conv0_bias", "(6,)", true)); // 2
    n.add(conv("conv0_fwd", 6, 0, 1, 2)); // 3
    n.add(tanh("conv0_tanh_fwd", 3)); // 4
    n.add(pool("pool0_fwd", 4)); // 5
    n.add(var("conv1_weight", "(16, 0, 5, 5)", false)); // 6
    n.add(var("conv1_bias", "(16,)", true)); // 7
    n.add(conv("conv1_fwd", 16, 5, 6, 7)); // 8
    n.add(tanh("conv1_tanh_fwd", 8)); // 9
    n.add(pool("pool1_fwd", 9)); // 10
    n.add(var("dense0_weight", "(120, 0)", false)); // 11
    n.add(var("dense0_bias", "(120,)", true)); // 12
    n.add(dense("dense0_fwd", 120, 10, 11, 12)); // 13
    n.add(tanh("dense0_tanh_fwd", 13)); // 14
    n.add(var("dense1_weight", "(84, 0)", false)); // 15
    n.add(var("dense1_bias", "(84,)", true)); // 16
    n.add(dense("dense1_fwd", 84, 14, 15, 16)); // 17
    n.add(op("Activation", "dense1_relu_fwd", "\"act_type\": \"relu\"", 17)); // 18
    n.add(var("dense2_weight", "(10, 0)", false)); // 19
    n.add(var("dense2_bias", "(10,)", true)); // 20
    n.add(dense("dense2_fwd", 10, 18, 19, 20)); // 21
    StringBuilder rowPtr = new StringBuilder();
    for (int i = 0; i <= n.size(); i++) {
      rowPtr.append(i == 0 ? "" : ", ").append(i);
    }
    return "{\n  \"nodes\": [\n    " + String.join(", \n    ", n) + "\n  ], \n"
        + "  \"arg_nodes\": [0, 1, 2, 6, 7, 11, 12, 15, 16, 19, 20], \n"
        + "  \"node_row_ptr\": [" + rowPtr + "], \n  \"heads\": [[21, 0, 0]], \n"
        + "  \"attrs\": {\"mxnet_version\": [\"int\", 10600]}\n}";
  }

  /**
   * Writes the export {@code lenet-symbol.json} and {@code lenet-0000.params} (random weights,
   * saved by MXNet itself) into {@code dir}.
   *
   * @return the parameter file
   */
  private static Path writeCheckpoint(Path dir, SplittableRandom rnd) throws Exception {
    String json = symbolJson();
    Files.writeString(dir.resolve("lenet-symbol.json"), json);
    InferredShapes shapes = Symbol.fromJson(json, "lenet-symbol.json")
        .inferShape(Map.of("data", Shape.of(1, 1, 28, 28)));
    List<String> names = new ArrayList<>();
    List<MxNDArrays.Array> arrays = new ArrayList<>();
    shapes.arguments().forEach((name, shape) -> {
      if (!name.equals("data")) {
        names.add("arg:" + name);
        arrays.add(new MxNDArrays.Array(shape.dims(), 0, floats(rnd, shape.intSize(), 0.3)));
      }
    });
    Path paramsFile = dir.resolve("lenet-0000.params");
    MxNDArrays.save(paramsFile, names, arrays);
    return paramsFile;
  }

  @Test
  void kindlingPredictGivesMxnetsOutputsForAGluonExport() throws Exception {
    String json = symbolJson();
    Path symbolFile = dir.resolve("lenet-symbol.json");
    int[] input = {2, 1, 28, 28};
    SplittableRandom rnd = new SplittableRandom(16);
    Path paramsFile = writeCheckpoint(dir, rnd);
    byte[] x = floats(rnd, 2 * 28 * 28, 1.0);
    Path inputFile = dir.resolve("input.bin");
    Files.write(inputFile, x);

    float[] expected;
    try (MxPredictor p = MxPredictor.create(json, Files.readAllBytes(paramsFile),
        Map.of("data", input), List.of())) {
      float[] in = new float[x.length / 4];
      ByteBuffer.wrap(x).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(in);
      p.setInput("data", in);
      p.forward();
      expected = p.output(0);
    }

    CliRun r = CliRun.of("predict", "--symbol", symbolFile.toString(),
        "--params", paramsFile.toString(), "--input", inputFile.toString(), "--shape", "2,1,28,28");
    assertThat(r.code()).as(r.err()).isZero();
    String[] lines = r.out().split("\n");
    assertThat(lines).hasSize(2);
    double max = 0;
    for (float e : expected) {
      max = Math.max(max, Math.abs(e));
    }
    for (int s = 0; s < 2; s++) {
      String[] f = lines[s].split("\t");
      assertThat(f[0]).isEqualTo(P + "dense2_fwd_output");
      assertThat(f).hasSize(11);
      for (int j = 0; j < 10; j++) {
        assertThat(Double.parseDouble(f[j + 1])).as("sample %d class %d", s, j)
            .isCloseTo(expected[s * 10 + j], org.assertj.core.data.Offset.offset(1e-5 * max));
      }
    }
  }

  /**
   * {@code kindling score} end to end on the Gluon export: 300 Fashion-MNIST test images packed
   * by {@code kindling im2rec}, scored on a local Spark in batches of 64 (each of the two
   * partitions ends with a padded batch). MXNet reads the same {@code .rec} with its own reader,
   * and its predictor runs the decoded pixels ({@code byte / 255} in float32, as {@code --scale}
   * does); every row's outputs and prediction must be MXNet's.
   *
   * <p>The command and its local Spark run in this JVM, next to libmxnet, and that works: the
   * only native library the two share is {@code libopenblas.so.0}, and {@link Mxnet} loads
   * Kindling's before MXNet (docs/decisions/0007), so the Spark tasks compute with the OpenBLAS
   * Kindling ships; Spark itself brings no native code on this path. Hence no child process.
   * MXNet's reference is computed after the command, with the command's Spark stopped.
   */
  @Test
  void kindlingScoreGivesMxnetsOutputsForPackedFashionMnist() throws Exception {
    int n = 300;
    Path paramsFile = writeCheckpoint(dir, new SplittableRandom(61));
    Path images = dir.resolve("images.idx");
    Path labels = dir.resolve("labels.idx");
    org.kindling.it.FashionSubset.write("t10k", n, images, labels);
    Path rec = dir.resolve("fashion.rec");
    CliRun packed = CliRun.of("im2rec", "--idx-images", images.toString(), "--idx-labels",
        labels.toString(), dir.resolve("fashion").toString());
    assertThat(packed.code()).as(packed.err()).isZero();
    Path csv = dir.resolve("scores.csv");
    CliRun scored = CliRun.of("score", "--model-prefix", dir.resolve("lenet").toString(),
        "--epoch", "0", "--data", rec.toString(), "--input-shape", "1,28,28", "--batch-size", "64",
        "--out", csv.toString(), "--with-output");
    assertThat(scored.code()).as(scored.err()).isZero();
    assertThat(scored.out()).matches("accuracy: [01]\\.\\d{4} \\(300 records\\)\\n");

    // MXNet's side: its RecordIO reader, the IRHeader ('IfQQ': flag, label, id, id2), the pixels
    List<byte[]> records = MxRecordIO.readAll(rec);
    assertThat(records).hasSize(n);
    float[] pixels = new float[n * 28 * 28];
    long[] ids = new long[n];
    float[] recordLabels = new float[n];
    for (int i = 0; i < n; i++) {
      ByteBuffer r = ByteBuffer.wrap(records.get(i)).order(ByteOrder.LITTLE_ENDIAN);
      assertThat(r.getInt()).as("flag of record %d", i).isZero();
      recordLabels[i] = r.getFloat();
      ids[i] = r.getLong();
      r.getLong();
      assertThat(r.remaining()).as("pixels of record %d", i).isEqualTo(28 * 28);
      for (int p = 0; p < 28 * 28; p++) {
        pixels[i * 28 * 28 + p] = (r.get() & 0xFF) * (1f / 255f);
      }
    }
    float[] expected;
    try (MxPredictor p = MxPredictor.create(symbolJson(), Files.readAllBytes(paramsFile),
        Map.of("data", new int[] {n, 1, 28, 28}), List.of())) {
      p.setInput("data", pixels);
      p.forward();
      expected = p.output(0);
    }
    double max = 0;
    for (float e : expected) {
      max = Math.max(max, Math.abs(e));
    }
    double tolerance = 1e-5 * max;

    List<String> rows = Files.readAllLines(csv);
    assertThat(rows).hasSize(n + 1);
    StringBuilder header = new StringBuilder("id,label,prediction");
    for (int k = 0; k < 10; k++) {
      header.append(",output_").append(k);
    }
    assertThat(rows.get(0)).isEqualTo(header.toString());
    for (int i = 0; i < n; i++) {
      String[] f = rows.get(i + 1).split(",");
      assertThat(f).as("row %d", i).hasSize(13);
      assertThat(Long.parseLong(f[0])).as("id of row %d", i).isEqualTo(ids[i]);
      assertThat(Float.parseFloat(f[1])).as("label of row %d", i).isEqualTo(recordLabels[i]);
      int best = 0;
      for (int k = 0; k < 10; k++) {
        assertThat(Double.parseDouble(f[3 + k])).as("row %d output %d", i, k)
            .isCloseTo(expected[i * 10 + k], org.assertj.core.data.Offset.offset(tolerance));
        if (expected[i * 10 + k] > expected[i * 10 + best]) {
          best = k;
        }
      }
      int predicted = Integer.parseInt(f[2]);
      // a near-tie may go either way within the tolerance; otherwise MXNet's argmax exactly
      double gap = expected[i * 10 + best] - expected[i * 10 + predicted];
      assertThat(predicted == best || gap <= 2 * tolerance)
          .as("row %d: prediction %d, MXNet's argmax %d (gap %s)", i, predicted, best, gap)
          .isTrue();
    }
  }

  private static byte[] floats(SplittableRandom rnd, int n, double scale) {
    ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putFloat((float) (rnd.nextDouble(-1, 1) * scale));
    }
    return b.array();
  }
}
