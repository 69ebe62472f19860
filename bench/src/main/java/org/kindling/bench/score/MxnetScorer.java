package org.kindling.bench.score;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Stream;
import org.kindling.bench.NativeLibraries;
import org.kindling.bench.DjlEngines;
import org.kindling.symbol.zoo.ForwardScore;

/**
 * Real MXNet 1.9.1 with MKL-DNN (the native jar of the oracle tests) through DJL's MXNet
 * engine: Kindling writes the network and its weights as an MXNet checkpoint, DJL loads it as a
 * symbol block and MXNet binds that graph itself (a cached op of the whole graph, its MKL-DNN
 * kernels; {@code softmax_label} is filled by DJL and not read at inference).
 *
 * <p>Threads: OpenMP's {@code OMP_NUM_THREADS}, which {@code bench/run-score} sets to the run's
 * thread count.
 */
final class MxnetScorer implements Scorer {
  private final Engine engine;

  MxnetScorer() {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    engine = Engine.getEngine("MXNet");
  }

  @Override
  public String name() {
    return "MXNet (DJL)";
  }

  @Override
  public String version() {
    try {
      return DjlEngines.mxnetNativeVersion() + " (libmxnet reports " + engine.getVersion()
          + ") / DJL " + Engine.getDjlVersion();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String notes() {
    return "Kindling's symbol JSON and weights as a checkpoint, bound by MXNet; OMP_NUM_THREADS="
        + Objects.requireNonNullElse(System.getenv("OMP_NUM_THREADS"), "unset")
        + ", MKL-DNN " + DjlEngines.onOff(engine, StandardCapabilities.MKLDNN)
        // MXNet fuses convolution + BatchNorm + relu into MKL-DNN subgraphs only when asked
        + ", MXNET_SUBGRAPH_BACKEND="
        + Objects.requireNonNullElse(System.getenv("MXNET_SUBGRAPH_BACKEND"), "unset")
        + ", " + NativeLibraries.openblasNote();
  }

  @Override
  public PeerNet open(ForwardScore reference) throws IOException, ai.djl.MalformedModelException {
    Path dir = Files.createTempDirectory("kindling-score-");
    Model model = Model.newInstance("net", Device.cpu(), engine.getEngineName());
    try {
      reference.saveCheckpoint(dir.resolve("net"));
      model.load(dir, "net");
    } catch (IOException | ai.djl.MalformedModelException | RuntimeException e) {
      model.close();
      throw e;
    } finally {
      deleteTree(dir);
    }
    NDManager manager = model.getNDManager().newSubManager();
    NDArray data = DjlArrays.input(manager, reference);
    Block block = model.getBlock();
    return new PeerNet() {
      @Override
      public float[] forward() {
        try (NDManager pass = manager.newSubManager()) {
          NDList out = block.forward(new ParameterStore(pass, false), new NDList(data), false);
          // reading the values waits for MXNet's asynchronous engine
          float[] values = out.head().toFloatArray();
          out.close();
          return values;
        }
      }

      @Override
      public void close() {
        manager.close();
        model.close();
      }
    };
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
