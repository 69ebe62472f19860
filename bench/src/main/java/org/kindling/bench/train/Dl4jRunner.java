package org.kindling.bench.train;

import java.util.Optional;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.kindling.bench.MavenVersions;
import org.kindling.bench.NativeLibraries;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * DL4J 1.0.0-M2.1 on ND4J's CPU backend ({@code nd4j-native}, linux-x86_64 only, the build
 * without oneDNN helpers), float32: the MLP as {@code DenseLayer(ReLU) x2 + OutputLayer(softmax,
 * MCXENT)}, LeNet as {@code ConvolutionLayer(tanh) + SubsamplingLayer(max)} twice, then
 * {@code DenseLayer(tanh) + OutputLayer} (input type {@code convolutionalFlat(28, 28, 1)}, so it
 * takes the same 784-pixel rows); Xavier-uniform weights (DL4J's fan-in and fan-out for
 * convolutions are MXNet's: channels times kernel area), zero biases.
 *
 * <p>DL4J has no plain-momentum SGD updater; {@code Nesterovs(lr, momentum)} is the nearest and
 * the table says so. Threads: ND4J's OpenMP pool and its BLAS are capped at the run's thread
 * count. ND4J loads the same OpenBLAS library as Kindling (one JavaCPP version), which
 * {@link TrainWorker} loads first; the
 * notes show which copies the process maps.
 */
public final class Dl4jRunner implements FrameworkRunner {
  private static final int FEATURES = FashionMnist.FEATURES;
  private static final int CLASSES = FashionMnist.CLASSES;

  @Override
  public String name() {
    return "DL4J";
  }

  /**
   * ResNet-18 is not run: DL4J trains LeNet at about a tenth of PyTorch's speed here, so
   * ResNet-18 (about 100 times LeNet's work per sample) would take hours for a row whose answer
   * is known, and needs a {@code ComputationGraph} of its own for the residual sums.
   */
  @Override
  public Optional<String> unsupported(Network network) {
    return network == Network.RESNET18
        ? Optional.of("not run: impractical (DL4J trains LeNet at about 0.1x PyTorch here;"
            + " ResNet-18 is about 100x LeNet's work per sample)")
        : Optional.empty();
  }

  @Override
  public TrainResult run(TrainSetup setup) throws Exception {
    TrainOptions o = setup.options();
    Nd4j.getEnvironment().setMaxThreads(o.threads());
    Nd4j.getEnvironment().setMaxMasterThreads(o.threads());
    Nd4j.factory().blas().setMaxThreads(o.threads());
    Nd4j.getRandom().setSeed(o.seed());
    String version = MavenVersions.of("org.deeplearning4j", "deeplearning4j-nn")
        + " (" + Nd4j.getExecutioner().getEnvironmentInformation().getOrDefault("blas.vendor", "?")
        + ")";
    try (Session s = new Session(setup)) {
      return EpochLoop.run(name(), version,
          "Nesterov momentum " + o.momentum() + " (DL4J has no plain-momentum SGD), float32, "
              + "no oneDNN (nd4j-native linux-x86_64), " + NativeLibraries.openblasNote(),
          s, setup);
    }
  }

  /** {@code setup.network()} as a DL4J configuration. */
  static MultiLayerConfiguration configuration(TrainSetup setup) {
    TrainOptions o = setup.options();
    NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
        .seed(o.seed())
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.XAVIER_UNIFORM)
        .updater(new Nesterovs(setup.learningRate(), o.momentum()))
        .list();
    int hidden;
    Activation act;
    switch (setup.network()) {
      case MLP -> {
        b.setInputType(InputType.feedForward(FEATURES));
        b.layer(new DenseLayer.Builder().nOut(Network.MLP_HIDDEN[0])
            .activation(Activation.RELU).build());
        hidden = Network.MLP_HIDDEN[1];
        act = Activation.RELU;
      }
      case LENET -> {
        for (int filters : Network.LENET_FILTERS) {
          b.layer(new ConvolutionLayer.Builder(Network.LENET_KERNEL, Network.LENET_KERNEL)
              .stride(1, 1).nOut(filters).activation(Activation.TANH).build());
          b.layer(new SubsamplingLayer.Builder(PoolingType.MAX)
              .kernelSize(Network.LENET_POOL, Network.LENET_POOL)
              .stride(Network.LENET_POOL, Network.LENET_POOL).build());
        }
        b.setInputType(InputType.convolutionalFlat(28, 28, 1));
        hidden = Network.LENET_HIDDEN;
        act = Activation.TANH;
      }
      default -> throw new IllegalArgumentException("DL4J does not run " + setup.network());
    }
    return b
        .layer(new DenseLayer.Builder().nOut(hidden).activation(act).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
            .nOut(CLASSES).activation(Activation.SOFTMAX).build())
        .build();
  }

  /** The network and the batches staged as ND4J arrays. */
  private static final class Session implements MinibatchSession {
    private final MultiLayerNetwork net;
    private final DataSet[] batches;

    Session(TrainSetup setup) {
      net = new MultiLayerNetwork(configuration(setup));
      net.init();
      Batches b = setup.train();
      batches = new DataSet[b.count()];
      long[] xShape = {b.batchSize(), FEATURES};
      long[] yShape = {b.batchSize(), CLASSES};
      for (int i = 0; i < b.count(); i++) {
        batches[i] = new DataSet(
            Nd4j.create(b.features(i), xShape, DataType.FLOAT),
            Nd4j.create(Batches.oneHot(b.labels(i), CLASSES), yShape, DataType.FLOAT));
      }
    }

    @Override
    public void trainEpoch(int[] batchOrder) {
      for (int i : batchOrder) {
        net.fit(batches[i]);
      }
    }

    @Override
    public long parameterCount() {
      return net.numParams();
    }

    @Override
    public float[] predict(float[] pixels, int count) {
      try (INDArray x = Nd4j.create(pixels, new long[] {count, FEATURES}, DataType.FLOAT)) {
        // dup('c') guarantees row-major storage, so data() is the scores row by row
        return net.output(x, false).dup('c').data().asFloat();
      }
    }

    @Override
    public void close() {
      net.close();
      for (DataSet d : batches) {
        d.getFeatures().close();
        d.getLabels().close();
      }
    }
  }
}
