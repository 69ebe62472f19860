package org.kindling.bench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * {@link Network#RESNET18} as DJL blocks, layer for layer what Kindling's zoo
 * {@code resnet18_v1} builds from MXNet's {@code resnet-v1.py} for 32x32 images: the 3x3 stem
 * convolution and its BatchNorm (no ReLU, no pooling), four stages of two basic units whose
 * first unit projects the shortcut (1x1 convolution and BatchNorm, in every stage, as
 * {@code resnet-v1.py} does), global average pooling, flatten, fully connected. Convolutions
 * have no bias; BatchNorm has MXNet's eps and momentum ({@link Network#RESNET_BN_EPS},
 * {@link Network#RESNET_BN_MOMENTUM}).
 */
final class DjlResNet {
  private DjlResNet() {}

  /** Appends the layers up to and without the final fully connected layer's classes. */
  static void addLayers(SequentialBlock net) {
    int[] filters = Network.RESNET_FILTERS;
    net.add(conv(filters[0], 3, 1, 1)).add(bn());
    for (int stage = 0; stage < filters.length; stage++) {
      int stride = stage == 0 ? 1 : 2;
      net.add(unit(filters[stage], stride, true));
      for (int u = 1; u < Network.RESNET_UNITS; u++) {
        net.add(unit(filters[stage], 1, false));
      }
    }
    net.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock());
  }

  /** A basic unit: two 3x3 convolutions with BatchNorm, the shortcut added, then ReLU. */
  private static Block unit(int filters, int stride, boolean project) {
    SequentialBlock main = new SequentialBlock()
        .add(conv(filters, 3, stride, 1)).add(bn()).add(Activation::relu)
        .add(conv(filters, 3, 1, 1)).add(bn());
    Block shortcut = project
        ? new SequentialBlock().add(conv(filters, 1, stride, 0)).add(bn())
        : Blocks.identityBlock();
    return new SequentialBlock()
        .add(new ParallelBlock(DjlResNet::sum, List.of(main, shortcut)))
        .add(Activation::relu);
  }

  private static NDList sum(List<NDList> branches) {
    NDArray a = branches.get(0).singletonOrThrow();
    return new NDList(a.add(branches.get(1).singletonOrThrow()));
  }

  private static Block conv(int filters, int kernel, int stride, int pad) {
    return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride)).optPadding(new Shape(pad, pad)).optBias(false)
        .build();
  }

  private static Block bn() {
    return BatchNorm.builder().optEpsilon(Network.RESNET_BN_EPS)
        .optMomentum(Network.RESNET_BN_MOMENTUM).build();
  }
}
