package org.kindling.symbol.zoo;

import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.nn.Pooling.PoolType;

/**
 * Inception with batch normalization, as MXNet's
 * {@code example/image-classification/symbols/inception-bn.py}. Every convolution is followed by
 * BatchNorm (eps 1e-10 + 1e-5, momentum 0.9, learned gamma) and relu, named
 * {@code conv_<name>}, {@code bn_<name>}, {@code relu_<name>}; branches are joined by
 * {@code Concat} along the channels.
 *
 * <p>Images taller than 28 get the full network (stem {@code 1}, {@code 2_red}, {@code 2} with
 * max pools {@code pool_1}, {@code pool_2}; inception blocks {@code 3a} .. {@code 5b}; 7x7
 * average pooling {@code global_pool}), built for 224x224. Smaller images get the script's
 * simpler version (a 3x3 stem, blocks {@code in3a} .. {@code in5b}; 7x7 average pooling), built
 * for 28x28. Both end with {@code flatten0}, {@code fullyconnected0} and {@code softmax}.
 *
 */
public final class InceptionBn {
  private InceptionBn() {}

  private static final double EPS = 1e-10 + 1e-5;
  private static final float BN_MOM = 0.9f;
  private static final boolean FIX_GAMMA = false;

  /** {@code inception-bn.get_symbol(num_classes, image_shape)}. */
  public static Symbol get(int numClasses, Shape imageShape) {
    ResNetConfig.checkImage(imageShape);
    Layers nn = new Layers();
    Symbol data = nn.variable("data");
    Symbol pool;
    if (imageShape.get(1) <= 28) {
      // a simpler version
      Symbol conv1 = convFactory(nn, data, 96, k(3, 3), k(1, 1), k(1, 1), "1", "");
      Symbol in3a = simpleFactory(nn, conv1, 32, 32, "in3a");
      Symbol in3b = simpleFactory(nn, in3a, 32, 48, "in3b");
      Symbol in3c = downsampleFactory(nn, in3b, 80, "in3c");
      Symbol in4a = simpleFactory(nn, in3c, 112, 48, "in4a");
      Symbol in4b = simpleFactory(nn, in4a, 96, 64, "in4b");
      Symbol in4c = simpleFactory(nn, in4b, 80, 80, "in4c");
      Symbol in4d = simpleFactory(nn, in4c, 48, 96, "in4d");
      Symbol in4e = downsampleFactory(nn, in4d, 96, "in4e");
      Symbol in5a = simpleFactory(nn, in4e, 176, 160, "in5a");
      Symbol in5b = simpleFactory(nn, in5a, 176, 160, "in5b");
      pool = nn.pool(in5b).type(PoolType.AVG).kernel(7, 7).name("global_pool").build();
    } else {
      // stage 1
      Symbol conv1 = convFactory(nn, data, 64, k(7, 7), k(2, 2), k(3, 3), "1", "");
      Symbol pool1 = nn.pool(conv1).kernel(3, 3).stride(2, 2).name("pool_1").type(PoolType.MAX)
          .build();
      // stage 2
      Symbol conv2red = convFactory(nn, pool1, 64, k(1, 1), k(1, 1), k(0, 0), "2_red", "");
      Symbol conv2 = convFactory(nn, conv2red, 192, k(3, 3), k(1, 1), k(1, 1), "2", "");
      Symbol pool2 = nn.pool(conv2).kernel(3, 3).stride(2, 2).name("pool_2").type(PoolType.MAX)
          .build();
      // stage 2
      Symbol in3a = factoryA(nn, pool2, 64, 64, 64, 64, 96, PoolType.AVG, 32, "3a");
      Symbol in3b = factoryA(nn, in3a, 64, 64, 96, 64, 96, PoolType.AVG, 64, "3b");
      Symbol in3c = factoryB(nn, in3b, 128, 160, 64, 96, "3c");
      // stage 3
      Symbol in4a = factoryA(nn, in3c, 224, 64, 96, 96, 128, PoolType.AVG, 128, "4a");
      Symbol in4b = factoryA(nn, in4a, 192, 96, 128, 96, 128, PoolType.AVG, 128, "4b");
      Symbol in4c = factoryA(nn, in4b, 160, 128, 160, 128, 160, PoolType.AVG, 128, "4c");
      Symbol in4d = factoryA(nn, in4c, 96, 128, 192, 160, 192, PoolType.AVG, 128, "4d");
      Symbol in4e = factoryB(nn, in4d, 128, 192, 192, 256, "4e");
      // stage 4
      Symbol in5a = factoryA(nn, in4e, 352, 192, 320, 160, 224, PoolType.AVG, 128, "5a");
      Symbol in5b = factoryA(nn, in5a, 352, 192, 320, 192, 224, PoolType.MAX, 128, "5b");
      // global avg pooling
      pool = nn.pool(in5b).kernel(7, 7).stride(1, 1).name("global_pool").type(PoolType.AVG)
          .build();
    }
    // linear classifier
    Symbol flatten = nn.flatten(pool);
    Symbol fc1 = nn.fc(flatten, numClasses);
    return nn.softmaxOutput("softmax", fc1);
  }

  private static int[] k(int a, int b) {
    return new int[] {a, b};
  }

  /** {@code ConvFactory}: convolution, BatchNorm, relu named by {@code name + suffix}. */
  private static Symbol convFactory(Layers nn, Symbol data, int numFilter, int[] kernel,
      int[] stride, int[] pad, String name, String suffix) {
    String n = name + suffix;
    Symbol conv = nn.conv(data).numFilter(numFilter).kernel(kernel).stride(stride).pad(pad)
        .name("conv_" + n).build();
    Symbol bn = nn.bn(conv).fixGamma(FIX_GAMMA).eps(EPS).momentum(BN_MOM).name("bn_" + n)
        .build();
    return nn.relu("relu_" + n, bn);
  }

  /** {@code InceptionFactoryA}: 1x1, 3x3, double 3x3 and pool-projection branches. */
  private static Symbol factoryA(Layers nn, Symbol data, int num1x1, int num3x3red,
      int num3x3, int numD3x3red, int numD3x3, PoolType pool, int proj, String name) {
    // 1x1
    Symbol c1x1 = convFactory(nn, data, num1x1, k(1, 1), k(1, 1), k(0, 0), name + "_1x1", "");
    // 3x3 reduce + 3x3
    Symbol c3x3r = convFactory(nn, data, num3x3red, k(1, 1), k(1, 1), k(0, 0), name + "_3x3",
        "_reduce");
    Symbol c3x3 = convFactory(nn, c3x3r, num3x3, k(3, 3), k(1, 1), k(1, 1), name + "_3x3", "");
    // double 3x3 reduce + double 3x3
    Symbol cd3x3r = convFactory(nn, data, numD3x3red, k(1, 1), k(1, 1), k(0, 0),
        name + "_double_3x3", "_reduce");
    Symbol cd3x3 = convFactory(nn, cd3x3r, numD3x3, k(3, 3), k(1, 1), k(1, 1),
        name + "_double_3x3_0", "");
    cd3x3 = convFactory(nn, cd3x3, numD3x3, k(3, 3), k(1, 1), k(1, 1), name + "_double_3x3_1",
        "");
    // pool + proj
    Symbol pooling = nn.pool(data).kernel(3, 3).stride(1, 1).pad(1, 1).type(pool)
        .name(pool.mxName() + "_pool_" + name + "_pool").build();
    Symbol cproj = convFactory(nn, pooling, proj, k(1, 1), k(1, 1), k(0, 0), name + "_proj",
        "");
    // concat
    return nn.concat("ch_concat_" + name + "_chconcat", c1x1, c3x3, cd3x3, cproj);
  }

  /** {@code InceptionFactoryB}: strided 3x3, strided double 3x3 and max-pool branches. */
  private static Symbol factoryB(Layers nn, Symbol data, int num3x3red, int num3x3,
      int numD3x3red, int numD3x3, String name) {
    // 3x3 reduce + 3x3
    Symbol c3x3r = convFactory(nn, data, num3x3red, k(1, 1), k(1, 1), k(0, 0), name + "_3x3",
        "_reduce");
    Symbol c3x3 = convFactory(nn, c3x3r, num3x3, k(3, 3), k(2, 2), k(1, 1), name + "_3x3", "");
    // double 3x3 reduce + double 3x3
    Symbol cd3x3r = convFactory(nn, data, numD3x3red, k(1, 1), k(1, 1), k(0, 0),
        name + "_double_3x3", "_reduce");
    Symbol cd3x3 = convFactory(nn, cd3x3r, numD3x3, k(3, 3), k(1, 1), k(1, 1),
        name + "_double_3x3_0", "");
    cd3x3 = convFactory(nn, cd3x3, numD3x3, k(3, 3), k(2, 2), k(1, 1), name + "_double_3x3_1",
        "");
    // pool + proj
    Symbol pooling = nn.pool(data).kernel(3, 3).stride(2, 2).pad(1, 1).type(PoolType.MAX)
        .name("max_pool_" + name + "_pool").build();
    // concat
    return nn.concat("ch_concat_" + name + "_chconcat", c3x3, cd3x3, pooling);
  }

  /** {@code DownsampleFactory}: a strided 3x3 convolution beside a 3x3/2 max pooling. */
  private static Symbol downsampleFactory(Layers nn, Symbol data, int ch3x3, String name) {
    // conv 3x3
    Symbol conv = convFactory(nn, data, ch3x3, k(3, 3), k(2, 2), k(1, 1), name + "_conv", "");
    // pool
    Symbol pool = nn.pool(data).name(name + "_pool").kernel(3, 3).stride(2, 2).pad(1, 1)
        .type(PoolType.MAX).build();
    // concat
    return nn.concat(name + "_ch_concat", conv, pool);
  }

  /** {@code SimpleFactory}: a 1x1 and a 3x3 convolution side by side. */
  private static Symbol simpleFactory(Layers nn, Symbol data, int ch1x1, int ch3x3,
      String name) {
    // 1x1
    Symbol conv1x1 = convFactory(nn, data, ch1x1, k(1, 1), k(1, 1), k(0, 0), name + "_1x1", "");
    // 3x3
    Symbol conv3x3 = convFactory(nn, data, ch3x3, k(3, 3), k(1, 1), k(1, 1), name + "_3x3", "");
    // concat
    return nn.concat(name + "_ch_concat", conv1x1, conv3x3);
  }
}
