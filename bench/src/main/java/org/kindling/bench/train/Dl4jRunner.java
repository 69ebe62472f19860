package org.kindling.bench.train;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.kindling.bench.MavenVersions;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * DL4J 1.0.0-M2.1 on ND4J's CPU backend ({@code nd4j-native}, linux-x86_64 only), float32:
 * {@code DenseLayer(ReLU) x2 + OutputLayer(softmax, MCXENT)}, Xavier-uniform weights.
 *
 * <p>DL4J has no plain-momentum SGD updater; {@code Nesterovs(lr, momentum)} is the nearest and
 * the table says so. Threads: ND4J's OpenMP pool and its BLAS are capped at the run's thread
 * count. ND4J loads the same OpenBLAS library as Kindling in this JVM (one JavaCPP version).
 */
public final class Dl4jRunner implements FrameworkRunner {
  private static final int FEATURES = FashionMnist.FEATURES;
  private static final int CLASSES = FashionMnist.CLASSES;

  @Override
  public String name() {
    return "DL4J";
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
          "Nesterov momentum " + o.momentum() + " (DL4J has no plain-momentum SGD), float32",
          s, setup);
    }
  }

  /** The network and the batches staged as ND4J arrays. */
  private static final class Session implements MinibatchSession {
    private final MultiLayerNetwork net;
    private final DataSet[] batches;
    private final INDArray testX;
    private final int[] testLabels;

    Session(TrainSetup setup) {
      TrainOptions o = setup.options();
      MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
          .seed(o.seed())
          .dataType(DataType.FLOAT)
          .weightInit(WeightInit.XAVIER_UNIFORM)
          .updater(new Nesterovs(o.learningRate(), o.momentum()))
          .list()
          .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(TrainSetup.HIDDEN[0])
              .activation(Activation.RELU).build())
          .layer(new DenseLayer.Builder().nIn(TrainSetup.HIDDEN[0]).nOut(TrainSetup.HIDDEN[1])
              .activation(Activation.RELU).build())
          .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
              .nIn(TrainSetup.HIDDEN[1]).nOut(CLASSES).activation(Activation.SOFTMAX).build())
          .build();
      net = new MultiLayerNetwork(conf);
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
      FashionMnist test = setup.test();
      testX = Nd4j.create(test.images(), new long[] {test.count(), FEATURES}, DataType.FLOAT);
      testLabels = test.labels();
    }

    @Override
    public void trainEpoch(int[] batchOrder) {
      for (int i : batchOrder) {
        net.fit(batches[i]);
      }
    }

    @Override
    public double testAccuracy() {
      // dup('c') guarantees row-major storage, so data() is the scores row by row
      float[] scores = net.output(testX, false).dup('c').data().asFloat();
      return Batches.accuracy(scores, testLabels, CLASSES);
    }

    @Override
    public void close() {
      net.close();
      for (DataSet d : batches) {
        d.getFeatures().close();
        d.getLabels().close();
      }
      testX.close();
    }
  }
}
