package org.kindling.bench.train;

import java.util.List;
import org.kindling.bench.MavenVersions;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.init.Xavier;
import org.kindling.symbol.module.Module;
import org.kindling.symbol.optimizer.SGD;
import org.kindling.symbol.zoo.Zoo;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.engine.Engines;
import org.kindling.tensor.engine.ThreadBudget;
import org.kindling.tensor.kernel.Blas;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.nn.Activation;

/**
 * Kindling, locally (no Spark, no KVStore): the MLP symbol {@code FullyConnected-relu x2 +
 * FullyConnected + SoftmaxOutput}, the zoo's {@code lenet} (MXNet's {@code lenet.py}) or
 * {@code resnet18_v1} (MXNet's {@code resnet-v1.py}) on 3x32x32,
 * trained by the symbol-graph {@link Module} with {@code forwardBackward} and {@code update}, SGD
 * with momentum and {@code rescale_grad = 1/batch} (what MXNet's Module sets, since
 * {@code SoftmaxOutput} sums over the batch), Xavier weights with MXNet's defaults.
 *
 * <p>Threads: the run's thread count is the {@link ThreadBudget}'s cores (unless
 * {@code -Dkindling.cores} was given), which it shares out between engine workers and OpenBLAS
 * threads as in any other Kindling process; {@code -Dkindling.engine.threads} or
 * {@code -Dkindling.blas.threads} override the split. The engine is created on first use; each
 * framework has a JVM of its own ({@link TrainWorker}), so nothing touched it before.
 *
 * <p>Kernels: {@code kindling.cpu.accel} is set to this runner's mode before anything binds
 * ({@code auto}: oneDNN where docs/accel.md says so; {@code off}: the default kernels), with
 * oneDNN's threads per call from the thread budget (its BLAS threads) unless
 * {@code -Dkindling.cpu.threads} says otherwise.
 */
public final class KindlingRunner implements FrameworkRunner {
  private static final int CLASSES = FashionMnist.CLASSES;
  private final CpuAccel.Mode mode;

  /** Kindling with {@code kindling.cpu.accel} set to {@code mode}. */
  public KindlingRunner(CpuAccel.Mode mode) {
    this.mode = mode;
  }

  @Override
  public String name() {
    return "Kindling, accel " + mode;
  }

  @Override
  public TrainResult run(TrainSetup setup) throws Exception {
    TrainOptions o = setup.options();
    if (System.getProperty(ThreadBudget.CORES) == null) {
      System.setProperty(ThreadBudget.CORES, Integer.toString(o.threads()));
    }
    ThreadBudget budget = ThreadBudget.fromSystemProperties();
    Blas.setNumThreads(budget.blasThreads()); // in case another runner changed it
    System.setProperty(CpuAccel.MODE, mode.toString()); // before the module binds
    CpuAccel.Settings accel = CpuAccel.settings();
    String version = MavenVersions.of("org.kindling", "kindling-symbol-graph");
    try (Session s = new Session(setup)) {
      return EpochLoop.run(name(), version,
          "SGD momentum " + o.momentum() + ", float32, " + engineDescription(budget)
              + ", OpenBLAS threads " + Blas.numThreads() + ", " + CpuAccel.MODE + "="
              + accel.mode() + (accel.mode() == CpuAccel.Mode.OFF ? ""
                  : " (oneDNN threads per call " + accel.threads() + ")"),
          s, setup);
    }
  }

  /** Which engine runs the operations, as chosen by {@code -Dkindling.engine}. */
  private static String engineDescription(ThreadBudget budget) {
    String kind = System.getProperty("kindling.engine", "threaded");
    return kind.equals("threaded")
        ? "threaded engine with " + budget.engineThreads() + " workers"
        : kind + " engine";
  }

  /** The MLP symbol: {@code data -> fc1 -> relu1 -> fc2 -> relu2 -> fc3 -> softmax}. */
  static Symbol mlp() {
    Symbol x = Symbol.variable("data");
    x = Symbol.fullyConnected("fc1", x, Network.MLP_HIDDEN[0]);
    x = Symbol.activation("relu1", x, Activation.ActType.RELU);
    x = Symbol.fullyConnected("fc2", x, Network.MLP_HIDDEN[1]);
    x = Symbol.activation("relu2", x, Activation.ActType.RELU);
    x = Symbol.fullyConnected("fc3", x, CLASSES);
    return Symbol.softmaxOutput("softmax", x);
  }

  /** The symbol of {@code network}: {@link #mlp()}, or LeNet or ResNet-18 v1 from the zoo. */
  static Symbol symbol(Network network) {
    return switch (network) {
      case MLP -> mlp();
      case LENET -> Zoo.get("lenet", CLASSES, Shape.of(1, 28, 28));
      case RESNET18 -> Zoo.get("resnet18_v1", CLASSES,
          Shape.of(3, Network.RESNET_SIDE, Network.RESNET_SIDE));
    };
  }

  /** {@link Network#batchShape} as a Kindling shape. */
  private static Shape shape(Network network, int batch) {
    long[] s = network.batchShape(batch);
    int[] dims = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      dims[i] = Math.toIntExact(s[i]);
    }
    return Shape.of(dims);
  }

  /** The module and the batches staged as NDArrays. */
  private static final class Session implements MinibatchSession {
    private final Network network;
    private final Module module;
    private final DataBatch[] batches;
    /** Rows of the current inference binding; 0 while bound for training. */
    private int inferenceRows;

    Session(TrainSetup setup) {
      TrainOptions o = setup.options();
      Batches b = setup.train();
      network = setup.network();
      module = new Module(symbol(network));
      module.bind(shape(network, b.batchSize()), Shape.of(b.batchSize()), true);
      module.initParams(new Xavier(o.seed()));
      module.initOptimizer(null, SGD.builder()
          .learningRate(setup.learningRate())
          .momentum(o.momentum())
          .rescaleGrad(1f / b.batchSize())
          .build());
      batches = new DataBatch[b.count()];
      for (int i = 0; i < b.count(); i++) {
        batches[i] = new DataBatch(
            List.of(NDArray.of(network.input(b.features(i), b.batchSize()),
                shape(network, b.batchSize()))),
            List.of(NDArray.of(Batches.asFloats(b.labels(i)), Shape.of(b.batchSize()))),
            0);
      }
    }

    @Override
    public void trainEpoch(int[] batchOrder) {
      for (int i : batchOrder) {
        module.forwardBackward(batches[i]);
        module.update();
      }
      // operations run asynchronously on the engine: the epoch ends when they have finished
      Engines.get().waitAll();
    }

    @Override
    public long parameterCount() {
      long n = 0;
      for (String p : module.paramNames()) {
        n += module.executor().argDict().get(p).shape().size();
      }
      return n;
    }

    @Override
    public float[] predict(float[] pixels, int count) {
      if (inferenceRows != count) {
        // binding again (for inference, at this many rows) keeps the trained parameters
        module.bind(shape(network, count), null, false);
        inferenceRows = count;
      }
      try (DataBatch batch = new DataBatch(
          List.of(NDArray.of(network.input(pixels, count), shape(network, count))), List.of(),
          0)) {
        module.forward(batch, false);
        return module.outputs().get(0).toFloatArray(); // the softmax probabilities
      }
    }

    @Override
    public void close() {
      // finish pending work so the next framework starts on an idle machine
      Engines.get().waitAll();
      module.close();
      for (DataBatch b : batches) {
        b.close();
      }
    }
  }
}
