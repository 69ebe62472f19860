package org.kindling.examples.cli;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.spark.HadoopFiles;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.module.CheckpointParams;
import org.kindling.symbol.module.Predictor;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.CFormat;
import org.kindling.tensor.io.ParamsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kindling predict}: runs a model on raw input, as MXNet's predictor does, and prints the
 * requested outputs, one line per output and sample.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Runs an MXNet/Kindling model (symbol JSON + .params, e.g. from Module.save_checkpoint or"
          + " Gluon export) on raw little-endian input and prints, for each requested output and"
          + " each sample, one line:",
      "  NAME<TAB>v1<TAB>v2...",
      "with NAME as MXNet's list_outputs gives it (softmax_output, conv1_output) and values in"
          + " %%.7g."
    })
final class PredictCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--symbol", required = true, paramLabel = "FILE",
      description = "the symbol JSON (PREFIX-symbol.json)")
  String symbolFile;

  @Option(names = "--params", required = true, paramLabel = "FILE",
      description = "the parameters (PREFIX-NNNN.params)")
  String paramsFile;

  @Option(names = "--input", required = true, paramLabel = "FILE",
      description = "raw input: N*C*H*W little-endian values of --input-dtype, row-major")
  String input;

  @Option(names = "--shape", required = true, paramLabel = "N,C,H,W", split = ",",
      hideParamSyntax = true, description = "shape of the input, batch first (e.g. 1,1,28,28)")
  int[] shape;

  @Option(names = "--input-dtype", paramLabel = "TYPE",
      description = "float32 (default) or uint8 (e.g. raw pixels)")
  String inputDtype = "float32";

  @Option(names = "--scale", paramLabel = "X",
      description = "multiply every input value by X (e.g. 0.00392156862 for pixels; default 1)")
  float scale = 1f;

  @Option(names = "--data-name", paramLabel = "NAME",
      description = "the symbol's input variable (default data)")
  String dataName = "data";

  @Option(names = "--outputs", paramLabel = "NAMES", split = ",",
      description = "outputs to print, e.g. softmax_output,conv1_output (default: the symbol's"
          + " outputs)")
  List<String> outputs = new ArrayList<>();

  @Mixin MemoryLimitOption memoryLimit;

  @Mixin CpuAccelOption accel;

  @Override
  public Integer call() throws Exception {
    for (int d : shape) {
      if (d < 1) {
        throw new ParameterException(spec.commandLine(), "--shape dimensions must be >= 1");
      }
    }
    if (!inputDtype.equals("float32") && !inputDtype.equals("uint8")) {
      throw new ParameterException(spec.commandLine(),
          "--input-dtype must be float32 or uint8, not " + inputDtype);
    }
    memoryLimit.applyToThisJvm();
    accel.applyToThisJvm();
    Configuration conf = new Configuration();
    Symbol symbol = Symbol.fromJson(new String(HadoopFiles.readAll(new Path(symbolFile), conf),
        java.nio.charset.StandardCharsets.UTF_8), symbolFile);
    Shape inShape = Shape.of(shape);
    float[] values = readInput(HadoopFiles.readAll(new Path(input), conf), inShape);
    PrintWriter out = spec.commandLine().getOut();
    try (CheckpointParams params = CheckpointParams.split(
            ParamsFile.read(HadoopFiles.readAll(new Path(paramsFile), conf), paramsFile), symbol,
            paramsFile);
        Predictor p = Predictor.create(symbol, params, Map.of(dataName, inShape), outputs)) {
      NDArray data = p.inputs().get(dataName);
      if (data == null) {
        throw new IllegalArgumentException(symbolFile + ": the selected outputs do not use input '"
            + dataName + "' (inputs: " + p.inputs().keySet() + "); set --data-name");
      }
      data.set(values);
      List<NDArray> results = p.forward();
      for (int k = 0; k < results.size(); k++) {
        print(out, p.outputNames().get(k), results.get(k));
      }
    }
    out.flush();
    return 0;
  }

  private float[] readInput(byte[] bytes, Shape inShape) {
    int n = inShape.intSize();
    int width = inputDtype.equals("uint8") ? 1 : 4;
    if (bytes.length != (long) n * width) {
      throw new IllegalArgumentException(input + ": " + bytes.length + " bytes, but shape "
          + inShape + " of " + inputDtype + " needs " + (long) n * width);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (width == 1 ? (b.get(i) & 0xFF) : b.getFloat(i * 4)) * scale;
    }
    return v;
  }

  /** One line per sample (the output's first axis): the name, then the sample's values. */
  private static void print(PrintWriter out, String name, NDArray result) {
    float[] v = result.toFloatArray();
    int batch = result.shape().ndim() == 0 ? 1 : result.shape().get(0);
    int per = batch == 0 ? 0 : v.length / batch;
    for (int s = 0; s < batch; s++) {
      StringBuilder line = new StringBuilder(name);
      for (int j = 0; j < per; j++) {
        line.append('\t').append(CFormat.g(v[s * per + j], 7)); // C's %.7g, as MXNet prints
      }
      out.println(line);
    }
  }
}
