package org.kindling.bench.train;

import java.util.List;
import org.kindling.bench.MavenVersions;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.init.Xavier;
import org.kindling.symbol.metric.Accuracy;
import org.kindling.symbol.module.Module;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.symbol.optimizer.SGD;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.engine.Engines;
import org.kindling.tensor.engine.ThreadBudget;
import org.kindling.tensor.kernel.Blas;

/**
 * Kindling, locally (no Spark, no KVStore): the symbol {@code FullyConnected-relu x2 +
 * FullyConnected + SoftmaxOutput} trained by the symbol-graph {@link Module} with
 * {@code forwardBackward} and {@code update}, SGD with momentum and {@code rescale_grad =
 * 1/batch} (what MXNet's Module sets, since {@code SoftmaxOutput} sums over the batch), Xavier
 * weights with MXNet's defaults.
 *
 * <p>Threads: the run's thread count is the {@link ThreadBudget}'s cores (unless
 * {@code -Dkindling.cores} was given), which it shares out between engine workers and OpenBLAS
 * threads as in any other Kindling process; {@code -Dkindling.engine.threads} or
 * {@code -Dkindling.blas.threads} override the split. The engine is created on first use, so
 * this must run before anything else in the JVM touches a Kindling NDArray (the default order
 * runs Kindling first).
 */
public final class KindlingRunner implements FrameworkRunner {
  private static final int FEATURES = FashionMnist.FEATURES;
  private static final int CLASSES = FashionMnist.CLASSES;

  @Override
  public String name() {
    return "Kindling";
  }

  @Override
  public TrainResult run(TrainSetup setup) throws Exception {
    TrainOptions o = setup.options();
    if (System.getProperty(ThreadBudget.CORES) == null) {
      System.setProperty(ThreadBudget.CORES, Integer.toString(o.threads()));
    }
    ThreadBudget budget = ThreadBudget.fromSystemProperties();
    Blas.setNumThreads(budget.blasThreads()); // in case another runner changed it
    String version = MavenVersions.of("org.kindling", "kindling-symbol-graph");
    try (Session s = new Session(setup)) {
      return EpochLoop.run(name(), version,
          "SGD momentum " + o.momentum() + ", float32, " + engineDescription(budget)
              + ", OpenBLAS threads " + Blas.numThreads(),
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
    x = Symbol.fullyConnected("fc1", x, TrainSetup.HIDDEN[0]);
    x = Symbol.activation("relu1", x, Activation.ActType.RELU);
    x = Symbol.fullyConnected("fc2", x, TrainSetup.HIDDEN[1]);
    x = Symbol.activation("relu2", x, Activation.ActType.RELU);
    x = Symbol.fullyConnected("fc3", x, CLASSES);
    return Symbol.softmaxOutput("softmax", x);
  }

  /** The module and the batches staged as NDArrays. */
  private static final class Session implements MinibatchSession {
    private final Module module;
    private final DataBatch[] batches;
    private final FashionMnist test;

    Session(TrainSetup setup) {
      TrainOptions o = setup.options();
      Batches b = setup.train();
      module = new Module(mlp());
      module.bind(Shape.of(b.batchSize(), FEATURES), Shape.of(b.batchSize()), true);
      module.initParams(new Xavier(o.seed()));
      module.initOptimizer(null, SGD.builder()
          .learningRate(o.learningRate())
          .momentum(o.momentum())
          .rescaleGrad(1f / b.batchSize())
          .build());
      batches = new DataBatch[b.count()];
      for (int i = 0; i < b.count(); i++) {
        batches[i] = new DataBatch(
            List.of(NDArray.of(b.features(i), Shape.of(b.batchSize(), FEATURES))),
            List.of(NDArray.of(Batches.asFloats(b.labels(i)), Shape.of(b.batchSize()))),
            0);
      }
      test = setup.test();
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
    public double testAccuracy() {
      // binding again for the whole test set keeps the trained parameters
      module.bind(Shape.of(test.count(), FEATURES), Shape.of(test.count()), false);
      DataBatch all = new DataBatch(
          List.of(NDArray.of(test.images(), Shape.of(test.count(), FEATURES))),
          List.of(NDArray.of(Batches.asFloats(test.labels()), Shape.of(test.count()))),
          0);
      module.forward(all, false);
      Accuracy acc = new Accuracy();
      module.updateMetric(acc, all);
      return acc.get().value();
    }

    @Override
    public void close() {
      // NDArrays are direct buffers owned by the garbage collector; finish pending work so the
      // next framework starts on an idle machine
      Engines.get().waitAll();
    }
  }
}
