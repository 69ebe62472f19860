package org.kindling.tensor.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.global.dnnl.normalization_flags;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.memory.format_tag;
import org.bytedeco.dnnl.primitive_attr;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.EpilogueFusable;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.LayoutAware;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.tensor.op.nn.BatchNorm;

/**
 * {@code BatchNorm} on oneDNN's batch normalization, with MXNet's semantics as the default
 * kernel has them: batch statistics in a training pass unless {@code use_global_stats}, the
 * hidden {@code var} output holding the inverse standard deviation, the moving statistics
 * updated by the training backward pass ({@link BatchNorm#updateMovingStats}, shared with the
 * default kernel), {@code fix_gamma} as a gamma of 1 with a zero gradient.
 */
final class DnnlBatchNorm implements DnnlFactory.Rules<BatchNorm.Params> {
  private static final format_tag[] PLAIN =
      {null, null, format_tag.ab, format_tag.abc, format_tag.abcd, format_tag.abcde};

  @Override
  public String unsupported(BatchNorm.Params p, KernelSignature sig) {
    Shape d = sig.in(0);
    int axis = p.axis() < 0 ? p.axis() + d.ndim() : p.axis();
    if (d.ndim() < 2 || d.ndim() > 5 || axis != 1) {
      return "data of " + d.ndim() + " axes normalised over axis " + p.axis()
          + " (oneDNN normalises axis 1 of 2- to 5-D data)";
    }
    if (p.eps() == 0) {
      return "eps = 0 (MXNet's inverse standard deviation of a constant channel is then 0)";
    }
    return Shapes.empty(sig);
  }

  @Override
  public Kernel make(Dnnl dnnl, BatchNorm.Params p, KernelSignature sig, int threads) {
    return new BnKernel(dnnl, p, sig, threads);
  }

  private static final class BnKernel extends DnnlKernel implements Follower, EpilogueFusable {
    private final KernelSignature sig;
    private final int threads;
    private final BatchNorm.Params p;
    private final Follower.Variants variants;
    private final int channels;
    private final memory.desc dataMd;
    private final memory.desc vecMd;
    private final Prim batchFwd;
    private final Prim globalFwd;
    private final Prim batchBwd;
    private final Prim globalBwd;
    private final long varianceSlot;
    private final long diffScaleSlot;
    private final long diffShiftSlot;
    private final Operand batchDiffSrc;
    private final Operand globalDiffSrc;

    BnKernel(Dnnl dnnl, BatchNorm.Params p, KernelSignature sig, int threads) {
      super(dnnl, threads, "BatchNorm", sig);
      this.sig = sig;
      this.threads = threads;
      this.p = p;
      Shape d = sig.in(0);
      channels = d.get(1);
      dataMd = md(dims(d.dims()), PLAIN[d.ndim()]);
      vecMd = md(dims(channels), format_tag.x);
      float eps = (float) p.eps();
      int flags = normalization_flags.use_shift.value
          | (p.fixGamma() ? 0 : normalization_flags.use_scale.value);
      int global = flags | normalization_flags.use_global_stats.value;
      primitive_attr attr = userScratchpad();
      int train = prop_kind.forward_training.value;
      int back = prop_kind.backward.value;
      Scratch f0 = forwardScratch;
      varianceSlot = f0.reserve(vecMd.get_size());
      var bf = new batch_normalization_forward.primitive_desc(dnnl.engine, train, dataMd, dataMd,
          eps, flags, attr, false);
      batchFwd = new Prim(bf, new batch_normalization_forward(bf), f0);
      var gf = new batch_normalization_forward.primitive_desc(dnnl.engine, train, dataMd, dataMd,
          eps, global, attr, false);
      globalFwd = new Prim(gf, new batch_normalization_forward(gf), f0);
      Scratch b0 = backwardScratch;
      b0.reserve(vecMd.get_size()); // the variance, at the same offset as forward's
      diffScaleSlot = b0.reserve(vecMd.get_size());
      diffShiftSlot = b0.reserve(vecMd.get_size());
      var bb = new batch_normalization_backward.primitive_desc(dnnl.engine, back, dataMd, dataMd,
          dataMd, eps, flags, bf, attr, false);
      batchDiffSrc = Operand.output(dnnl, dataMd, bb.diff_src_desc(), b0);
      batchBwd = new Prim(bb, new batch_normalization_backward(bb), b0);
      var gb = new batch_normalization_backward.primitive_desc(dnnl.engine, back, dataMd, dataMd,
          dataMd, eps, global, gf, attr, false);
      globalDiffSrc = Operand.output(dnnl, dataMd, gb.diff_src_desc(), b0);
      globalBwd = new Prim(gb, new batch_normalization_backward(gb), b0);
      // blocked data: the inference pass (moving statistics), as the executor runs it there
      variants = new Follower.Variants(in -> blockedInference("BatchNorm", in, global));
    }

    /**
     * The inference pass over the moving statistics on data in the blocked layout {@code src}
     * ({@code flags}: oneDNN's normalization flags, {@code use_global_stats} among them).
     */
    private BlockedKernel blockedInference(String name, DnnlLayout src, int flags) {
      float eps = (float) p.eps();
      primitive_attr attr = userScratchpad();
      int inference = prop_kind.forward_inference.value;
      return new BlockedKernel(dnnl, threads, name, sig, src, dataMd, md -> {
        var pd = new batch_normalization_forward.primitive_desc(dnnl.engine, inference, md, md,
            eps, flags, attr, false);
        return new WeightedKernel.Pass(pd, new batch_normalization_forward(pd));
      }, new BlockedKernel.Extra() {
        @Override
        public void put(Call c, Args a, TensorView[] i, TensorView[] o) {
          putGlobal(c, a, i);
        }

        @Override
        public void after(TensorView[] i, TensorView[] o) {
          globalHidden(i, o);
        }
      });
    }

    @Override
    public Follower.Variants variants() {
      return variants;
    }

    /**
     * This BatchNorm with a relu after it in one call, for inference; null for another
     * epilogue. The relu's own kernel is chosen here as the executor would choose it: it runs
     * after this kernel where the fused call does not apply (training, non-finite values).
     */
    @Override
    public Kernel fuse(OpInstance<?> epilogue) {
      if (!(epilogue.params() instanceof Activation.Params a)
          || a.actType() != Activation.ActType.RELU) {
        return null;
      }
      Shape y = sig.out(0);
      DType t = sig.outTypes()[0];
      Kernel relu = epilogue.selectKernel(new KernelSignature(new Shape[] {y},
          new DType[] {t}, new Shape[] {y}, new DType[] {t}));
      planThreads();
      return new NormRelu(relu);
    }

    /**
     * True if the parameters and moving statistics give a finite affine map per channel. The
     * views are taken once: {@code floats()} makes three buffer objects, and taken per channel
     * they cost 60-120 us a call at 64-512 channels, more than the batch-1 call itself
     * (docs/benchmarks.md, 2026-12-03 h-r1).
     */
    private boolean finiteParameters(TensorView[] in) {
      float eps = (float) p.eps();
      FloatBuffer gamma = p.fixGamma() ? null : in[1].floats();
      FloatBuffer beta = in[2].floats();
      FloatBuffer mean = in[3].floats();
      FloatBuffer var = in[4].floats();
      for (int k = 0; k < channels; k++) {
        float g = gamma == null ? 1f : gamma.get(k);
        float b = beta.get(k);
        float m = mean.get(k);
        float v = var.get(k);
        float s = g / (float) Math.sqrt(v + eps);
        if (!Float.isFinite(s) || !Float.isFinite(m) || !Float.isFinite(b - m * s)) {
          return false;
        }
      }
      return true;
    }

    /** Whether a fused call gives what the two passes give: finite data and parameters. */
    private boolean fusedApplies(TensorView[] in) {
      return FloatKernels.allFinite(in[0].floats(), Follower.floats(in[0]))
          && finiteParameters(in);
    }

    /**
     * Where the data or parameters are not finite, the relu after the normalisation keeps NaN
     * as the standalone relu does (MXNet's {@code relu} of NaN is NaN; oneDNN's fused relu gives
     * 0): {@code y = y > 0 || y is NaN ? y : 0} over every float of the output, in any layout
     * (the zeros of padded channels stay zero).
     */
    private static void reluKeepingNaN(TensorView y) {
      FloatBuffer f = y.floats();
      int n = Follower.floats(y);
      for (int i = 0; i < n; i++) {
        float v = f.get(i);
        if (!(v > 0f) && !Float.isNaN(v)) {
          f.put(i, 0f);
        }
      }
    }

    /**
     * BatchNorm over the moving statistics and the relu after it in one oneDNN call ({@code
     * fuse_norm_relu}), for inference; a training call (batch statistics) runs the BatchNorm
     * and then the relu's kernel, as the unfused step. Layouts as the BatchNorm's ({@link
     * Follower}): a variant per blocked data layout.
     */
    private final class NormRelu implements Kernel, LayoutAware {
      private final Kernel relu;
      private final Map<Layout, Optional<Variant>> made = new ConcurrentHashMap<>();

      NormRelu(Kernel relu) {
        this.relu = relu;
      }

      /** The fused primitive over data in {@code src}, writing to {@code plainDst} or its own. */
      private BlockedKernel fused(DnnlLayout src) {
        int flags = normalization_flags.use_shift.value
            | (p.fixGamma() ? 0 : normalization_flags.use_scale.value)
            | normalization_flags.use_global_stats.value
            | normalization_flags.fuse_norm_relu.value;
        return blockedInference("BatchNorm+relu", src, flags);
      }

      /** The variant for data in {@code l}, or null if oneDNN has none for it. */
      private Variant of(Layout l) {
        if (!(l instanceof DnnlLayout d)) {
          return null;
        }
        return made.computeIfAbsent(l, k -> {
          try {
            BlockedKernel unfused = variants.of(d);
            BlockedKernel fused = fused(d);
            return unfused != null && unfused.output().equals(fused.output())
                ? Optional.of(new Variant(fused, unfused)) : Optional.empty();
          } catch (RuntimeException e) {
            return Optional.empty(); // oneDNN has no fused implementation for that layout
          }
        }).orElse(null);
      }

      @Override
      public Layout nativeOutput(Layout input) {
        Variant v = of(input);
        return v == null ? Layout.ROW_MAJOR : v.fused.output();
      }

      @Override
      public boolean reads(Layout input) {
        return input == Layout.ROW_MAJOR || of(input) != null;
      }

      @Override
      public Kernel withLayouts(Layout input, Layout output) {
        if (input == Layout.ROW_MAJOR) {
          return output == Layout.ROW_MAJOR ? this : null;
        }
        Variant v = of(input);
        return v != null && (output == Layout.ROW_MAJOR || output.equals(v.fused.output()))
            ? new Variant(BlockedKernel.forOutput(v.fused, output),
                BlockedKernel.forOutput(v.unfused, output)) : null;
      }

      @Override
      public String implementation() {
        return BnKernel.this.implementation() + " + " + relu.implementation();
      }

      @Override
      public long workspaceBytes() {
        return Math.max(BnKernel.this.workspaceBytes(), relu.workspaceBytes());
      }

      @Override
      public long forwardWorkspaceBytes() {
        return Math.max(BnKernel.this.forwardWorkspaceBytes(), relu.forwardWorkspaceBytes());
      }

      /** Row-major data: the two kernels one after the other (the relu in place), as unfused. */
      @Override
      public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
        BnKernel.this.forward(ctx, in, out);
        TensorView[] y = {out[0]};
        relu.forward(ctx, y, y);
      }
    }

    /** The fused call over one blocked layout, and the BatchNorm alone for non-finite values. */
    private final class Variant implements Kernel {
      private final BlockedKernel fused;
      private final BlockedKernel unfused;

      Variant(BlockedKernel fused, BlockedKernel unfused) {
        this.fused = fused;
        this.unfused = unfused;
      }

      @Override
      public String implementation() {
        return fused.implementation() + "+relu";
      }

      @Override
      public long workspaceBytes() {
        return Math.max(fused.workspaceBytes(), unfused.workspaceBytes());
      }

      @Override
      public long forwardWorkspaceBytes() {
        return Math.max(fused.forwardWorkspaceBytes(), unfused.forwardWorkspaceBytes());
      }

      @Override
      public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
        // checked before the call: the output may take the data's buffer
        if (fusedApplies(in)) {
          fused.forward(ctx, in, out);
        } else {
          unfused.forward(ctx, in, out);
          reluKeepingNaN(out[0]);
        }
      }
    }

    /** The parameters and moving statistics of a pass over the moving statistics. */
    private void putGlobal(Call c, Args a, TensorView[] in) {
      if (!p.fixGamma()) {
        a.put(DNNL_ARG_SCALE, c.wrap(vecMd, in[1].data()));
      }
      a.put(DNNL_ARG_SHIFT, c.wrap(vecMd, in[2].data()));
      a.put(DNNL_ARG_MEAN, c.wrap(vecMd, in[3].data()));
      a.put(DNNL_ARG_VARIANCE, c.wrap(vecMd, in[4].data()));
    }

    /** The hidden outputs of a pass over the moving statistics: the mean and 1/sqrt(var + eps). */
    private void globalHidden(TensorView[] in, TensorView[] out) {
      FloatBuffer rm = in[3].floats();
      FloatBuffer rv = in[4].floats();
      FloatBuffer mean = out[1].floats();
      FloatBuffer inv = out[2].floats();
      float eps = (float) p.eps();
      for (int k = 0; k < channels; k++) {
        mean.put(k, rm.get(k));
        inv.put(k, BatchNorm.invStd(rv.get(k), eps));
      }
    }

    @Override
    public String implementation() {
      return Dnnl.NAME + " " + batchFwd.impl();
    }

    private boolean batchStats(OpContext ctx) {
      return ctx.isTrain() && !p.useGlobalStats();
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      boolean batch = batchStats(ctx);
      FloatBuffer inv = out[2].floats();
      float eps = (float) p.eps();
      try (Call c = call(ctx)) {
        Args a = c.args();
        a.put(DNNL_ARG_SRC, c.wrap(dataMd, in[0].data()));
        a.put(DNNL_ARG_DST, c.wrap(dataMd, out[0].data()));
        if (!p.fixGamma()) {
          a.put(DNNL_ARG_SCALE, c.wrap(vecMd, in[1].data()));
        }
        a.put(DNNL_ARG_SHIFT, c.wrap(vecMd, in[2].data()));
        if (batch) {
          ByteBuffer variance = Scratch.slice(c.workspace, varianceSlot, vecMd.get_size());
          a.put(DNNL_ARG_MEAN, c.wrap(vecMd, out[1].data()));
          a.put(DNNL_ARG_VARIANCE, c.wrap(vecMd, variance));
          run(c, "forward (batch statistics)", batchFwd, a);
          FloatBuffer v = variance.asFloatBuffer();
          for (int k = 0; k < channels; k++) {
            inv.put(k, BatchNorm.invStd(v.get(k), eps));
          }
        } else {
          a.put(DNNL_ARG_MEAN, c.wrap(vecMd, in[3].data()));
          a.put(DNNL_ARG_VARIANCE, c.wrap(vecMd, in[4].data()));
          run(c, "forward (moving statistics)", globalFwd, a);
          globalHidden(in, out);
        }
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs b) {
      boolean batch = batchStats(ctx);
      Operand diffSrc = batch ? batchDiffSrc : globalDiffSrc;
      try (Call c = call(ctx)) {
        Args a = c.args();
        a.put(DNNL_ARG_SRC, c.wrap(dataMd, b.in()[0].data()));
        a.put(DNNL_ARG_DIFF_DST, c.wrap(dataMd, b.outGrad()[0].data()));
        if (!p.fixGamma()) {
          a.put(DNNL_ARG_SCALE, c.wrap(vecMd, b.in()[1].data()));
        }
        if (batch) {
          // the batch variance, recovered from the saved 1/sqrt(var + eps) as MXNet does
          ByteBuffer variance = Scratch.slice(c.workspace, varianceSlot, vecMd.get_size());
          FloatBuffer v = variance.asFloatBuffer();
          FloatBuffer inv = b.out()[2].floats();
          for (int k = 0; k < channels; k++) {
            float s = inv.get(k);
            v.put(k, (float) (1.0 / (s * s) - p.eps()));
          }
          a.put(DNNL_ARG_MEAN, c.wrap(vecMd, b.out()[1].data()));
          a.put(DNNL_ARG_VARIANCE, c.wrap(vecMd, variance));
        } else {
          a.put(DNNL_ARG_MEAN, c.wrap(vecMd, b.in()[3].data()));
          a.put(DNNL_ARG_VARIANCE, c.wrap(vecMd, b.in()[4].data()));
        }
        ByteBuffer dx = b.wants(0) ? b.inGrad()[0].data() : null;
        boolean addX = b.wants(0) && b.adds(0);
        memory mx = diffSrc.target(c, dx, addX);
        a.put(DNNL_ARG_DIFF_SRC, mx);
        ByteBuffer dScale = Scratch.slice(c.workspace, diffScaleSlot, vecMd.get_size());
        ByteBuffer dShift = Scratch.slice(c.workspace, diffShiftSlot, vecMd.get_size());
        if (!p.fixGamma()) {
          a.put(DNNL_ARG_DIFF_SCALE, c.wrap(vecMd, dScale));
        }
        a.put(DNNL_ARG_DIFF_SHIFT, c.wrap(vecMd, dShift));
        run(c, batch ? "backward (batch statistics)" : "backward (moving statistics)",
            batch ? batchBwd : globalBwd, a);
        diffSrc.store(c, mx, dx, addX);
        if (b.wants(1)) {
          if (p.fixGamma()) {
            if (b.req()[1] == GradReq.WRITE) {
              fill(b.inGrad()[1].floats(), null, false);
            }
          } else {
            fill(b.inGrad()[1].floats(), dScale.asFloatBuffer(), b.adds(1));
          }
        }
        if (b.wants(2)) {
          fill(b.inGrad()[2].floats(), dShift.asFloatBuffer(), b.adds(2));
        }
      }
      if (batch) {
        BatchNorm.updateMovingStats(p, b.out()[1].floats(), b.out()[2].floats(),
            b.in()[3].floats(), b.in()[4].floats(), channels);
      }
    }

    /** Stores (or adds) {@code g} into {@code target}; zeros for a null {@code g}. */
    private void fill(FloatBuffer target, FloatBuffer g, boolean add) {
      for (int k = 0; k < channels; k++) {
        float v = g == null ? 0f : g.get(k);
        target.put(k, add ? target.get(k) + v : v);
      }
    }
  }
}
