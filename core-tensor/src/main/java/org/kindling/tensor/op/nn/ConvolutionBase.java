package org.kindling.tensor.op.nn;

import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.nn.Convolution.ConvLayout;

/**
 * What {@link Convolution} and {@link Deconvolution} share: inputs {@code data}, {@code weight}
 * and {@code bias} (none with {@code no_bias}), the checks of layout, data rank and groups, the
 * bias shape, shape inference forward once the data is known, backward dependencies (data and
 * weight; the bias enters no gradient), test samples built from the data shape, and a kernel
 * around {@link ConvMath}. The operators differ in the weight's shape, the output's extents and
 * which of ConvMath's passes run forward and backward.
 *
 * @param <P> the operator's parameter record
 */
abstract class ConvolutionBase<P extends Record & ConvolutionBase.Spec> extends OpDef<P> {
  /** The parameters both records declare, as their accessors expose them. */
  interface Spec {
    int[] kernel();

    int[] stride();

    int[] dilate();

    int numFilter();

    int numGroup();

    boolean noBias();

    ConvLayout layout();

    /** The stride in effect: 1s for {@code ()}. */
    default int[] effStride() {
      return ConvParams.orDefault(stride(), kernel().length, 1);
    }

    /** The dilation in effect: 1s for {@code ()}. */
    default int[] effDilate() {
      return ConvParams.orDefault(dilate(), kernel().length, 1);
    }
  }

  ConvolutionBase(String name, List<String> aliases, Class<P> type, List<Param<?>> params) {
    super(name, aliases, type, params);
  }

  @Override
  public final List<String> inputNames(P p) {
    return p.noBias() ? List.of("data", "weight") : List.of("data", "weight", "bias");
  }

  /** The weight's shape for data of {@code channels} channels. */
  abstract Shape weightShape(P p, int channels);

  /**
   * The output's spatial extents for data of shape {@code d}.
   *
   * @throws IllegalArgumentException if the parameters do not fit the data, naming both
   */
  abstract int[] outSpatial(P p, Shape d);

  @Override
  public final void inferShape(P p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    int nd = p.kernel().length;
    ConvParams.checkLayout(name(), p.layout(), nd);
    ConvParams.checkData(name(), d, nd);
    int c = d.get(1);
    ConvParams.checkDivisible(name(), "the input channels", c, p.numGroup());
    ConvParams.checkDivisible(name(), "num_filter", p.numFilter(), p.numGroup());
    s.assignIn(1, weightShape(p, c));
    if (!p.noBias()) {
      s.assignIn(2, Shape.of(p.numFilter()));
    }
    s.assignOut(0, ConvParams.shape(d.get(0), p.numFilter(), outSpatial(p, d)));
  }

  @Override
  public final BackwardDeps backwardDeps(P p) {
    return BackwardDeps.inputs(0, 1); // the bias is not needed for any gradient
  }

  @Override
  public final List<KernelFactory<P>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.allFloat32() ? cpuKernel(p, sig) : null));
  }

  /** The default float32 kernel for these parameters and tensors. */
  abstract Kernel cpuKernel(P p, KernelSignature sig);

  /** A sample on data of shape {@code data}, with the weight (and bias) it needs. */
  final Sample<P> sample(P p, int... data) {
    Shape d = Shape.of(data);
    Shape w = weightShape(p, data[1]);
    return p.noBias() ? Sample.of(p, d, w) : Sample.of(p, d, w, Shape.of(p.numFilter()));
  }

  /**
   * A kernel of im2col/col2im and sgemm passes ({@link ConvMath}) with the bias over
   * {@code num_filter} channels of {@code plane} elements each.
   */
  abstract static class GemmKernel implements Kernel {
    final ConvMath math;
    final boolean noBias;
    final int num;
    final int filters;
    final int plane;

    GemmKernel(ConvMath math, Spec p, int num, int[] outSpatial) {
      this.math = math;
      this.noBias = p.noBias();
      this.num = num;
      this.filters = p.numFilter();
      this.plane = ConvMath.prod(outSpatial);
    }

    @Override
    public final long workspaceBytes() {
      return math.workspaceBytes();
    }

    /** The bias gradient (sum of {@code dy} per channel), if there is a bias and it is wanted. */
    final void biasGradient(FloatBuffer dy, BackwardArgs a) {
      if (!noBias && a.wants(2)) {
        ConvMath.biasGradient(dy, a.inGrad()[2].floats(), num, filters, plane, a.adds(2));
      }
    }
  }
}
