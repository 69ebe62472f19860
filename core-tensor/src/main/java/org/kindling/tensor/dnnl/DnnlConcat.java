package org.kindling.tensor.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MULTIPLE_SRC;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.dnnl.concat;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.memory_desc_vector;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.LayoutAware;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.shape.Concat;

/**
 * {@code Concat} along the channel axis (1) of 3- to 5-D data on oneDNN's {@code concat}
 * primitive, so that an inference binding keeps an inception block's branches and their join in
 * oneDNN's blocked layouts (MXNet's MKL-DNN build runs its {@code Concat} so, {@code
 * mkldnn_concat.cc}): each input is read in the layout its producer wrote it in, and the output
 * comes out in the layout oneDNN picks for those (the inputs' common blocked format when every
 * channel count is a whole number of blocks). One primitive per combination of input layouts,
 * made on first need; row-major inputs and output get one made at bind.
 *
 * <p>The backward pass is the default kernel's (each input's gradient is its slice of the
 * output gradient, a copy): oneDNN has no concat backward, and a binding with gradients is
 * row-major throughout.
 */
final class DnnlConcat implements DnnlFactory.Rules<Concat.Params> {
  @Override
  public String unsupported(Concat.Params p, KernelSignature sig) {
    int rank = sig.in(0).ndim();
    if (rank < 3 || rank > 5) {
      return rank + "-D data (oneDNN's layouts here are those of NCW, NCHW and NCDHW)";
    }
    if (sig.in(0).normalizeAxis(p.dim()) != 1) {
      return "dim " + p.dim() + " (oneDNN joins the channel axis, 1, here: the axis its blocked "
          + "layouts split)";
    }
    return Shapes.empty(sig);
  }

  @Override
  public Kernel make(Dnnl dnnl, Concat.Params p, KernelSignature sig, int threads) {
    Kernel copies = Concat.OP.kernels().get(0).create(p, sig);
    Layout[] rowMajor = new Layout[sig.inShapes().length];
    Arrays.fill(rowMajor, Layout.ROW_MAJOR);
    return new Join(dnnl, threads, sig, rowMajor, copies, new ConcurrentHashMap<>());
  }

  /** The kernel for one combination of input layouts; the row-major one holds the others. */
  private static final class Join extends DnnlKernel implements LayoutAware {
    private final KernelSignature sig;
    private final int threads;
    private final memory.desc[] srcMds;
    private final Operand dst;
    private final Prim prim;
    private final Kernel copies;
    /** Variants by input layouts (empty where oneDNN made no concat of them). */
    private final Map<List<Layout>, Optional<Join>> variants;

    Join(Dnnl dnnl, int threads, KernelSignature sig, Layout[] inputs, Kernel copies,
        Map<List<Layout>, Optional<Join>> variants) {
      super(dnnl, threads, "Concat", sig);
      this.sig = sig;
      this.threads = threads;
      this.copies = copies;
      this.variants = variants;
      planThreads();
      srcMds = new memory.desc[inputs.length];
      for (int i = 0; i < inputs.length; i++) {
        srcMds[i] = inputs[i] instanceof DnnlLayout d ? d.desc : plain(sig.in(i).dims());
      }
      memory.desc plainDst = plain(sig.out(0).dims());
      boolean allPlain = Arrays.stream(inputs).allMatch(l -> l == Layout.ROW_MAJOR);
      // row-major inputs make a row-major output; others let oneDNN choose (their common format)
      memory.desc dstMd = allPlain ? plainDst
          : md(dims(sig.out(0).dims()), memory.format_tag.any);
      var pd = new concat.primitive_desc(dnnl.engine, dstMd, 1, new memory_desc_vector(srcMds),
          userScratchpad(), false);
      this.dst = Operand.output(dnnl, plainDst, pd.dst_desc(), forwardScratch);
      this.prim = new Prim(pd, new concat(pd), forwardScratch);
    }

    private static memory.desc plain(int[] shape) {
      return md(dims(shape), Shapes.plain(shape.length));
    }

    @Override
    public String implementation() {
      return Dnnl.NAME + " " + prim.impl();
    }

    @Override
    public boolean reads(Layout input) {
      return reads(0, input);
    }

    /** Any oneDNN layout of the input's rank: oneDNN's concat reorders what it cannot join. */
    @Override
    public boolean reads(int index, Layout layout) {
      return layout == Layout.ROW_MAJOR || layout instanceof DnnlLayout d
          && d.desc.get_ndims() == sig.in(index).ndim();
    }

    @Override
    public Layout nativeOutput(Layout input) {
      Layout[] inputs = new Layout[srcMds.length];
      Arrays.fill(inputs, Layout.ROW_MAJOR);
      inputs[0] = input;
      return nativeOutput(inputs);
    }

    @Override
    public Layout nativeOutput(Layout[] inputs) {
      Join v = variant(inputs);
      return v == null ? Layout.ROW_MAJOR : v.dst.layout();
    }

    @Override
    public Kernel withLayouts(Layout input, Layout output) {
      Layout[] inputs = new Layout[srcMds.length];
      Arrays.fill(inputs, Layout.ROW_MAJOR);
      inputs[0] = input;
      return withLayouts(inputs, output);
    }

    @Override
    public Kernel withLayouts(Layout[] inputs, Layout output) {
      Join v = variant(inputs);
      return v != null && (output == Layout.ROW_MAJOR || output.equals(v.dst.layout())) ? v
          : null;
    }

    /** The kernel for {@code inputs}, this one for row-major; null if oneDNN has none. */
    private Join variant(Layout[] inputs) {
      for (int i = 0; i < inputs.length; i++) {
        if (!reads(i, inputs[i])) {
          return null;
        }
      }
      if (Arrays.stream(inputs).allMatch(l -> l == Layout.ROW_MAJOR)) {
        return this;
      }
      return variants.computeIfAbsent(List.of(inputs), k -> {
        try {
          return Optional.of(new Join(dnnl, threads, sig, inputs, copies, variants));
        } catch (RuntimeException e) {
          return Optional.empty(); // no concat of these layouts: the producers reorder out
        }
      }).orElse(null);
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      try (Call c = call(ctx)) {
        Args a = c.args();
        for (int i = 0; i < srcMds.length; i++) {
          a.put(DNNL_ARG_MULTIPLE_SRC + i, c.wrap(srcMds[i], in[i].data()));
        }
        memory y = dst.target(c, out[0]);
        a.put(DNNL_ARG_DST, y);
        run(c, "forward", prim, a);
        dst.store(c, y, out[0]);
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs args) {
      copies.backward(ctx, args);
    }

    @Override
    public long workspaceBytes() {
      return Math.max(super.workspaceBytes(), copies.workspaceBytes());
    }
  }
}
