package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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
import org.kindling.examples.cli.KindlingCli;
import org.kindling.symbol.InferredShapes;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;

/**
 * A LeNet-style CNN in the form Gluon's {@code HybridBlock.export()} writes it in MXNet 1.4-1.6
 * ({@code hybridsequential0_conv0_fwd} node names, every operator attribute spelled out, variables
 * with {@code __shape__} (0 = unknown), {@code __dtype__}, {@code __init__}, {@code __lr_mult__}
 * attributes, {@code mxnet_version} 10600, parameters saved as {@code arg:NAME}): real MXNet
 * 1.9.1 saves the parameters and predicts, and {@code kindling predict} on the same files gives
 * MXNet's outputs.
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

  @Test
  void kindlingPredictGivesMxnetsOutputsForAGluonExport() throws Exception {
    String json = symbolJson();
    Path symbolFile = dir.resolve("lenet-symbol.json");
    Files.writeString(symbolFile, json);
    int[] input = {2, 1, 28, 28};
    InferredShapes shapes = Symbol.fromJson(json, "lenet-symbol.json")
        .inferShape(Map.of("data", Shape.of(input)));
    SplittableRandom rnd = new SplittableRandom(16);
    List<String> names = new ArrayList<>();
    List<MxNDArrays.Array> arrays = new ArrayList<>();
    shapes.arguments().forEach((name, shape) -> {
      if (!name.equals("data")) {
        names.add("arg:" + name);
        arrays.add(new MxNDArrays.Array(shape.dims(), 0, floats(rnd, shape.intSize(), 0.3)));
      }
    });
    Path paramsFile = dir.resolve("lenet-0000.params");
    MxNDArrays.save(paramsFile, names, arrays); // written by MXNet itself
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

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = KindlingCli.execute(new String[] {"predict", "--symbol", symbolFile.toString(),
        "--params", paramsFile.toString(), "--input", inputFile.toString(), "--shape",
        "2,1,28,28"}, new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(code).as(err.toString()).isZero();
    String[] lines = out.toString().split("\n");
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

  private static byte[] floats(SplittableRandom rnd, int n, double scale) {
    ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putFloat((float) (rnd.nextDouble(-1, 1) * scale));
    }
    return b.array();
  }
}
