package org.kindling.bench.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * One network trained through DJL's engine-neutral Block API, shared by the PyTorch and the MXNet
 * runner so that both engines run exactly the same model code: the {@link Network} as a
 * {@link SequentialBlock}, softmax cross-entropy (mean over the batch), DJL's SGD with momentum
 * (each engine's own fused update: PyTorch's {@code sgd}, MXNet's {@code sgd_mom_update}),
 * Xavier-uniform weights with MXNet's defaults and zero biases.
 */
final class DjlSession implements MinibatchSession {
  private final Network network;
  private final Model model;
  private final Trainer trainer;
  private final NDManager staged;
  private final NDArray[] x;
  private final NDArray[] y;

  /**
   * Builds the model on {@code engine} (a DJL engine name, e.g. {@code PyTorch}), initializes
   * it and stages every training batch as that engine's arrays.
   */
  DjlSession(String engine, TrainSetup setup) {
    TrainOptions o = setup.options();
    Batches b = setup.train();
    network = setup.network();
    model = Model.newInstance(network.id(), Device.cpu(), engine);
    SequentialBlock net = block(network);
    net.setInitializer(
        new XavierInitializer(
            XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.AVG, 3),
        Parameter.Type.WEIGHT);
    model.setBlock(net);
    DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
        .optDevices(new Device[] {Device.cpu()})
        .optOptimizer(Optimizer.sgd()
            .setLearningRateTracker(Tracker.fixed(setup.learningRate()))
            .optMomentum(o.momentum())
            .build());
    trainer = model.newTrainer(config);
    trainer.initialize(new Shape(network.batchShape(b.batchSize())));
    staged = model.getNDManager().newSubManager();
    x = new NDArray[b.count()];
    y = new NDArray[b.count()];
    for (int i = 0; i < b.count(); i++) {
      x[i] = staged.create(network.input(b.features(i), b.batchSize()),
          new Shape(network.batchShape(b.batchSize())));
      y[i] = staged.create(Batches.asFloats(b.labels(i)), new Shape(b.batchSize()));
    }
  }

  /** {@code network} as DJL blocks; the layer sizes are {@link Network}'s. */
  static SequentialBlock block(Network network) {
    SequentialBlock net = new SequentialBlock();
    switch (network) {
      case RESNET18 -> DjlResNet.addLayers(net);
      case MLP -> net
          .add(Linear.builder().setUnits(Network.MLP_HIDDEN[0]).build())
          .add(Activation::relu)
          .add(Linear.builder().setUnits(Network.MLP_HIDDEN[1]).build())
          .add(Activation::relu);
      case LENET -> {
        Shape kernel = new Shape(Network.LENET_KERNEL, Network.LENET_KERNEL);
        Shape pool = new Shape(Network.LENET_POOL, Network.LENET_POOL);
        for (int filters : Network.LENET_FILTERS) {
          net.add(Conv2d.builder().setKernelShape(kernel).setFilters(filters).build())
              .add(Activation::tanh)
              .add(Pool.maxPool2dBlock(pool, pool));
        }
        net.add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(Network.LENET_HIDDEN).build())
            .add(Activation::tanh);
      }
    }
    return net.add(Linear.builder().setUnits(FashionMnist.CLASSES).build());
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
    // an asynchronous engine (MXNet's) may still be updating: reading a weight waits for it
    model.getBlock().getParameters().values().forEach(p -> p.getArray().toFloatArray());
  }

  /** The trained parameters: BatchNorm's moving statistics are DJL parameters too, not counted. */
  @Override
  public long parameterCount() {
    long n = 0;
    for (Parameter p : model.getBlock().getParameters().values()) {
      if (p.requiresGradient()) {
        n += p.getArray().size();
      }
    }
    return n;
  }

  @Override
  public float[] predict(float[] pixels, int count) {
    try (NDManager scope = staged.newSubManager()) {
      NDArray images = scope.create(network.input(pixels, count),
          new Shape(network.batchShape(count)));
      return trainer.evaluate(new NDList(images)).singletonOrThrow().toFloatArray();
    }
  }

  @Override
  public void close() {
    trainer.close();
    staged.close();
    model.close();
  }
}
