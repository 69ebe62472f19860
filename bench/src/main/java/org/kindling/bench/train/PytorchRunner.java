package org.kindling.bench.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * PyTorch 2.7.1 through DJL: {@code Linear-ReLU-Linear-ReLU-Linear}, softmax cross-entropy,
 * DJL's SGD with momentum (PyTorch's {@code sgd} update), Xavier-uniform weights as in MXNet.
 *
 * <p>Threads: {@code ai.djl.pytorch.num_threads} (intra-op) is set to the run's thread count and
 * {@code ai.djl.pytorch.num_interop_threads} to 1 before the engine starts; PyTorch reads them
 * once, so they hold for the whole JVM. The engine is loaded offline from the native jar on the
 * class path ({@code ai.djl.offline=true}).
 */
public final class PytorchRunner implements FrameworkRunner {
  private static final int FEATURES = FashionMnist.FEATURES;
  private static final int CLASSES = FashionMnist.CLASSES;

  @Override
  public String name() {
    return "PyTorch (DJL)";
  }

  @Override
  public TrainResult run(TrainSetup setup) throws Exception {
    TrainOptions o = setup.options();
    // must precede the first Engine call: PyTorch fixes its thread pools at startup
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(o.threads()));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Engine engine = Engine.getEngine("PyTorch");
    engine.setRandomSeed((int) o.seed());
    String version = engine.getVersion() + " / DJL " + Engine.getDjlVersion();
    try (Session s = new Session(setup)) {
      return EpochLoop.run(name(), version,
          "SGD momentum " + o.momentum() + ", float32, intra-op threads " + o.threads(), s, setup);
    }
  }

  /** The model, trainer and batches staged as PyTorch tensors. */
  private static final class Session implements MinibatchSession {
    private final Model model;
    private final Trainer trainer;
    private final NDManager staged;
    private final NDArray[] x;
    private final NDArray[] y;
    private final NDArray testX;
    private final int[] testLabels;

    Session(TrainSetup setup) {
      TrainOptions o = setup.options();
      Batches b = setup.train();
      model = Model.newInstance("mlp", Device.cpu(), "PyTorch");
      SequentialBlock net = new SequentialBlock()
          .add(Linear.builder().setUnits(TrainSetup.HIDDEN[0]).build())
          .add(Activation::relu)
          .add(Linear.builder().setUnits(TrainSetup.HIDDEN[1]).build())
          .add(Activation::relu)
          .add(Linear.builder().setUnits(CLASSES).build());
      net.setInitializer(
          new XavierInitializer(
              XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.AVG, 3),
          Parameter.Type.WEIGHT);
      model.setBlock(net);
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
          .optDevices(new Device[] {Device.cpu()})
          .optOptimizer(Optimizer.sgd()
              .setLearningRateTracker(Tracker.fixed(o.learningRate()))
              .optMomentum(o.momentum())
              .build());
      trainer = model.newTrainer(config);
      trainer.initialize(new Shape(b.batchSize(), FEATURES));
      staged = model.getNDManager().newSubManager();
      x = new NDArray[b.count()];
      y = new NDArray[b.count()];
      for (int i = 0; i < b.count(); i++) {
        x[i] = staged.create(b.features(i), new Shape(b.batchSize(), FEATURES));
        y[i] = staged.create(Batches.asFloats(b.labels(i)), new Shape(b.batchSize()));
      }
      FashionMnist test = setup.test();
      testX = staged.create(test.images(), new Shape(test.count(), FEATURES));
      testLabels = test.labels();
    }

    @Override
    public void trainEpoch(int[] batchOrder) {
      for (int i : batchOrder) {
        // a scope per step frees the activations and gradients' temporaries; tempAttach hands
        // the staged batch back to its own manager when the scope closes
        try (NDManager scope = staged.newSubManager()) {
          x[i].tempAttach(scope);
          y[i].tempAttach(scope);
          try (GradientCollector gc = trainer.newGradientCollector()) {
            NDList pred = trainer.forward(new NDList(x[i]));
            NDArray loss = trainer.getLoss().evaluate(new NDList(y[i]), pred);
            gc.backward(loss);
          }
          trainer.step();
        }
      }
    }

    @Override
    public double testAccuracy() {
      try (NDManager scope = staged.newSubManager()) {
        testX.tempAttach(scope);
        float[] scores = trainer.evaluate(new NDList(testX)).singletonOrThrow().toFloatArray();
        return Batches.accuracy(scores, testLabels, CLASSES);
      }
    }

    @Override
    public void close() {
      trainer.close();
      staged.close();
      model.close();
    }
  }
}
