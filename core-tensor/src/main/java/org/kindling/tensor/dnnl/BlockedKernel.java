package org.kindling.tensor.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;

import java.util.function.Function;
import org.bytedeco.dnnl.memory;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.TensorView;

/**
 * The inference forward of a layer that takes its layout from its input (pooling, BatchNorm,
 * LRN, ReLU: {@link Follower}) over data in a oneDNN layout of a producer's ({@link
 * DnnlLayout}): one primitive made for that source layout, whose destination is the output's
 * buffer when the output keeps the primitive's layout and else a workspace slot reordered into
 * the row-major output. It has no backward: the executor keeps blocked layouts only where
 * nothing runs backward.
 */
final class BlockedKernel extends DnnlKernel {
  /** What a layer adds to the primitive's arguments, and does after the call. */
  interface Extra {
    /** Puts the layer's other arguments (scale, statistics, ...) into {@code a}. */
    void put(Call c, Args a, TensorView[] in, TensorView[] out);

    /** Writes what the layer computes besides output 0 (hidden outputs), after the call. */
    default void after(TensorView[] in, TensorView[] out) {}

    /** Fixes up the destination {@code y} (the primitive's layout) before it is stored. */
    default void fix(Call c, TensorView[] in, memory y) {}
  }

  private final memory.desc srcMd;
  private final Operand dst;
  private final Prim prim;
  private final Extra extra;

  /**
   * @param source the data's layout
   * @param plainDst the output's row-major descriptor
   * @param forward the primitive for a source descriptor
   */
  BlockedKernel(Dnnl dnnl, int threads, String op, KernelSignature sig, DnnlLayout source,
      memory.desc plainDst, Function<memory.desc, WeightedKernel.Pass> forward, Extra extra) {
    super(dnnl, threads, op + " (blocked)", sig);
    this.srcMd = source.desc;
    WeightedKernel.Pass p = forward.apply(srcMd);
    this.dst = Operand.output(dnnl, plainDst, p.pd().dst_desc(), forwardScratch);
    this.prim = new Prim(p.pd(), p.p(), forwardScratch);
    this.extra = extra;
  }

  /** {@code base} writing only outputs in its primitive's layout: no output slot planned. */
  private BlockedKernel(BlockedKernel base) {
    super(base);
    this.srcMd = base.srcMd;
    this.dst = Operand.slotless(dnnl, base.dst.user(), base.dst.inner(), true);
    this.prim = new Prim(base.prim, forwardScratch);
    this.extra = base.extra;
  }

  /**
   * This kernel for an output view in {@link #output()}: the same primitive, with a workspace
   * plan without the output's reorder slot, which such calls leave unused (decision 0069: an
   * output-sized slot per blocked BatchNorm, 196 MiB at ResNet-50's batch 64).
   */
  BlockedKernel writingBlocked() {
    return new BlockedKernel(this);
  }

  /** {@code k} for an output view in layout {@code output}: {@link #writingBlocked} for its own. */
  static BlockedKernel forOutput(BlockedKernel k, Layout output) {
    return output.equals(k.output()) ? k.writingBlocked() : k;
  }

  /** The layout the primitive writes. */
  Layout output() {
    return dst.layout();
  }

  @Override
  public String implementation() {
    return Dnnl.NAME + " " + prim.impl();
  }

  @Override
  public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
    try (Call c = call(ctx)) {
      Args a = c.args();
      a.put(DNNL_ARG_SRC, c.wrap(srcMd, in[0].data()));
      memory y = dst.target(c, out[0]);
      a.put(DNNL_ARG_DST, y);
      extra.put(c, a, in, out);
      run(c, "forward", prim, a);
      extra.fix(c, in, y);
      dst.store(c, y, out[0]);
    }
    extra.after(in, out);
  }
}
