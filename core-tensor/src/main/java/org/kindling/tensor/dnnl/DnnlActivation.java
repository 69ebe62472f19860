package org.kindling.tensor.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;

import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.memory.format_tag;
import org.bytedeco.dnnl.primitive_attr;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.tensor.op.nn.Activation.ActType;

/**
 * {@code Activation} relu, sigmoid and tanh on oneDNN's vectorized element-wise primitives, as
 * MXNet's MKL-DNN build runs them: the tensor is one flat run of floats, so any shape works.
 * The gradients come from the output (oneDNN's {@code *_use_dst_for_bwd} algorithms), as MXNet
 * and the default kernel take them. A gradient requested as {@code add} (a value two layers
 * read) is summed by the default kernel: oneDNN's element-wise primitive only writes.
 *
 * <p>oneDNN's tanh and logistic are its own approximations, within a few units in the last
 * place of the default kernel's (which rounds Java's double-precision result); its relu keeps
 * -0 as -0 (the default kernel gives 0) and passes a zero gradient where the output is NaN
 * (the default kernel passes NaN).
 */
final class DnnlActivation implements DnnlFactory.Rules<Activation.Params> {

  @Override
  public String unsupported(Activation.Params p, KernelSignature sig) {
    if (algorithm(p.actType()) == null) {
      return "act_type " + p.actType().mxName()
          + " (oneDNN runs relu, sigmoid and tanh here, whose gradients come from the output)";
    }
    return Shapes.empty(sig);
  }

  /** oneDNN's algorithm for {@code t}, with the gradient from the output; null if none. */
  private static algorithm algorithm(ActType t) {
    return switch (t) {
      case RELU -> algorithm.eltwise_relu_use_dst_for_bwd;
      case SIGMOID -> algorithm.eltwise_logistic_use_dst_for_bwd;
      case TANH -> algorithm.eltwise_tanh_use_dst_for_bwd;
      default -> null;
    };
  }

  @Override
  public Kernel make(Dnnl dnnl, Activation.Params p, KernelSignature sig, int threads) {
    return new EltwiseKernel(dnnl, p.actType(), sig, threads);
  }

  private static final class EltwiseKernel extends DnnlKernel implements Follower {
    private final memory.desc md;
    private final Follower.Variants variants;
    private final Prim fwd;
    private final Prim bwd;
    private final Kernel defaultKernel;
    /** relu: oneDNN's gives 0 for a NaN input, where MXNet's (and the default kernel) give NaN. */
    private final boolean nanCheck;

    EltwiseKernel(Dnnl dnnl, ActType type, KernelSignature sig, int threads) {
      super(dnnl, threads, "Activation", sig);
      md = md(new long[] {sig.in(0).size()}, format_tag.a);
      algorithm alg = algorithm(type);
      primitive_attr attr = userScratchpad();
      var fpd = new eltwise_forward.primitive_desc(dnnl.engine, prop_kind.forward_training, alg,
          md, md, 0f, 0f, attr, false);
      fwd = new Prim(fpd, new eltwise_forward(fpd), forwardScratch);
      var bpd = new eltwise_backward.primitive_desc(dnnl.engine, alg, md, md, md, 0f, 0f, fpd,
          attr, false);
      bwd = new Prim(bpd, new eltwise_backward(bpd), backwardScratch);
      defaultKernel = Activation.defaultKernel(type);
      nanCheck = type == ActType.RELU;
      // blocked data: relu only, which keeps the zeros of the padded channels zero
      variants = new Follower.Variants(in -> {
        if (type != ActType.RELU) {
          throw new IllegalArgumentException("only relu runs on blocked data");
        }
        return new BlockedKernel(dnnl, threads, "Activation", sig, in, md(dims(sig.out(0)
            .dims()), Shapes.plain(sig.out(0).ndim())), src -> {
              var pd = new eltwise_forward.primitive_desc(dnnl.engine,
                  prop_kind.forward_inference, alg, src, src, 0f, 0f, attr, false);
              return new WeightedKernel.Pass(pd, new eltwise_forward(pd));
            }, new KeepNaN());
      });
    }

    @Override
    public Follower.Variants variants() {
      return variants;
    }

    @Override
    public String implementation() {
      return Dnnl.NAME + " " + fwd.impl();
    }

    /**
     * MXNet's relu of NaN is NaN, oneDNN's 0: where the (blocked) input holds a NaN, the result
     * gets it back at the same place (input and destination share the layout).
     */
    private static final class KeepNaN implements BlockedKernel.Extra {
      @Override
      public void put(Call c, Args a, TensorView[] in, TensorView[] out) {}

      @Override
      public void fix(Call c, TensorView[] in, memory y) {
        java.nio.FloatBuffer x = in[0].floats();
        int n = Follower.floats(in[0]);
        if (FloatKernels.allFinite(x, n)) {
          return;
        }
        java.nio.FloatBuffer d = new org.bytedeco.javacpp.BytePointer(y.get_data_handle())
            .capacity((long) n * Float.BYTES).asByteBuffer()
            .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < n; i++) {
          if (Float.isNaN(x.get(i))) {
            d.put(i, x.get(i));
          }
        }
      }
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      if (nanCheck && !FloatKernels.allFinite(in[0].floats(), in[0].size())) {
        defaultKernel.forward(ctx, in, out); // the default kernel keeps MXNet's NaN
        return;
      }
      try (Call c = call(ctx)) {
        Args a = c.args();
        a.put(DNNL_ARG_SRC, c.wrap(md, in[0].data()));
        a.put(DNNL_ARG_DST, c.wrap(md, out[0].data()));
        run(c, "forward", fwd, a);
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs b) {
      if (!b.wants(0)) {
        return;
      }
      if (b.adds(0)) {
        defaultKernel.backward(ctx, b);
        return;
      }
      try (Call c = call(ctx)) {
        Args a = c.args();
        a.put(DNNL_ARG_DST, c.wrap(md, b.out()[0].data()));
        a.put(DNNL_ARG_DIFF_DST, c.wrap(md, b.outGrad()[0].data()));
        a.put(DNNL_ARG_DIFF_SRC, c.wrap(md, b.inGrad()[0].data()));
        run(c, "backward", bwd, a);
      }
    }
  }
}
