package org.kindling.bench.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.kindling.symbol.zoo.ForwardScore;

/** Copies of Kindling arrays as DJL arrays. */
final class DjlArrays {
  private DjlArrays() {}

  /** {@code a}'s values and shape as an array of {@code manager}'s engine. */
  static NDArray copy(NDManager manager, org.kindling.tensor.NDArray a) {
    long[] dims = Arrays.stream(a.shape().dims()).asLongStream().toArray();
    return manager.create(a.toFloatArray(), new Shape(dims));
  }

  /** {@code reference}'s input batch, (batch, 3, 224, 224), named {@code data}. */
  static NDArray input(NDManager manager, ForwardScore reference) {
    Shape image = new Shape(Arrays.stream(ForwardScore.IMAGE_SHAPE.dims()).asLongStream()
        .toArray());
    NDArray data = manager.create(reference.input(),
        new Shape(reference.batch()).addAll(image));
    data.setName("data");
    return data;
  }
}
