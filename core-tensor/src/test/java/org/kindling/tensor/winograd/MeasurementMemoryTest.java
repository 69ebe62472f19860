package org.kindling.tensor.winograd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.storage.DirectBuffers;

/**
 * A bind-time measurement keeps no memory: its scratch tensors, workspace, the Winograd
 * candidates' filter transforms and the fallback's kept weights are freed when it returns, not
 * when a garbage collection happens to find them (decision 0069; Kindling's heap is small, so
 * that waited for the JVM's direct-memory limit, hundreds of MB per network).
 */
class MeasurementMemoryTest {
  @Test
  void aMeasurementLeavesNoDirectMemoryBehind() {
    // a shape no other test measures (decisions are kept per shape for the process)
    Convolution.Params p = Convolution.Params.of(new int[] {3, 3}, 40).withPad(1, 1);
    OpInstance<Convolution.Params> op = OpInstance.of(Convolution.OP, p);
    Shape[] in = new Shape[op.inputNames().size()];
    in[0] = Shape.of(2, 36, 26, 26);
    Shape[] out = new Shape[1];
    op.inferShape(new ShapeSlots(in, out, op.inputNames(), op.outputNames()));
    DType[] types = new DType[in.length];
    Arrays.fill(types, DType.FLOAT32);
    KernelSignature sig = new KernelSignature(in, types, out, new DType[] {DType.FLOAT32});
    long weights = 40L * 36 * 9 * 4;
    long data = sig.in(0).size() * 4;

    long before = DirectBuffers.used();
    BindTimeChoice.decide(p, sig, 1);
    long left = DirectBuffers.used() - before;
    // what the measurement allocated: the data and output tensors (twice, with oneDNN's own
    // layouts), their weights, two filter transforms of 4x and 7.1x the weights, the kept
    // blocked weights and a workspace; none of it may stay
    assertThat(left).as("direct bytes left by the measurement (one sample's data is " + data
        + ", the weights " + weights + ")").isLessThan(weights);
  }
}
