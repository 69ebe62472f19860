package org.kindling.tensor.dnnl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.EpilogueFusable;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.LayoutAware;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.SumFusable;
import org.kindling.tensor.op.TensorView;

/**
 * A weighted layer ({@link WeightedKernel}) run over its batch in sub-batches, for a batch whose
 * workspace would pass {@link WorkspaceBound}: kernels made for the sub-batch size and for the
 * remainder run in sequence over views of the data (input 0) and the output (output 0), which
 * are row-major with the batch as their leading axis. Forward and data gradient are exact
 * (every sample is computed on its own); weight and bias gradients are accumulated over the
 * sub-batches in batch order (the first one honours the caller's request, the others add), so
 * the result is deterministic.
 *
 * <p>In an inference binding the data and the output may also be kept in the whole batch's
 * oneDNN layouts ({@link LayoutAware}, decision 0029): where those keep the batch outermost
 * ({@code nChw16c} and the like, {@link DnnlLayout#sampleSlice}) and the sub-batch kernels use
 * the same layouts, a sub-batch is a contiguous slice of the buffer, and the sub-batch kernels
 * run on the slices in their own layouts with no reorder (decision 0063). A layer split by
 * {@link WorkspaceBound} (VGG-16's conv1_2 at batch 64) so stays in the chain of blocked layers.
 *
 * <p>A residual sum fuses as into the unsplit kernel ({@link SumFusable}): the addend, the last
 * input, is sliced as the output is, so that each sub-batch adds its own samples (in place where
 * the output's buffer is the addend's). Without it, ResNet-50's split layers at batch 256 ran
 * their adds and the BatchNorms after them row-major, with reorders around each.
 */
final class SubBatchKernel implements Kernel, EpilogueFusable, SumFusable, LayoutAware {
  private final int batch;
  private final int size;
  private final WeightedKernel part;
  private final WeightedKernel rest;
  /** The whole batch's oneDNN layouts of data and output (those of its unsplit kernel). */
  private final Layout wholeIn;
  private final Layout wholeOut;
  /** True if a sub-batch of the data kept in {@link #wholeIn} is a slice in its kernel's layout. */
  private final boolean slicesIn;
  /** The same of the output in {@link #wholeOut}. */
  private final boolean slicesOut;

  /**
   * @param batch the whole batch
   * @param size the sub-batch, {@code 1 <= size < batch}
   * @param part the kernel of {@code size} samples
   * @param rest the kernel of the last {@code batch % size} samples, or null if none remain
   * @param wholeIn the layout the unsplit kernel reads its data in ({@link #nativeInput})
   * @param wholeOut the layout the unsplit kernel writes its output in
   */
  SubBatchKernel(int batch, int size, WeightedKernel part, WeightedKernel rest, Layout wholeIn,
      Layout wholeOut) {
    this.batch = batch;
    this.size = size;
    this.part = part;
    this.rest = rest;
    this.wholeIn = wholeIn;
    this.wholeOut = wholeOut;
    int left = batch % size;
    slicesIn = DnnlLayout.sampleSlice(wholeIn, batch, part.nativeInput(), size)
        && (rest == null || DnnlLayout.sampleSlice(wholeIn, batch, rest.nativeInput(), left));
    slicesOut = DnnlLayout.sampleSlice(wholeOut, batch, part.nativeOutput(Layout.ROW_MAJOR), size)
        && (rest == null
            || DnnlLayout.sampleSlice(wholeOut, batch, rest.nativeOutput(Layout.ROW_MAJOR), left));
  }

  /** The samples per sub-batch. */
  int subBatch() {
    return size;
  }

  @Override
  public long workspaceBytes() {
    return Math.max(part.workspaceBytes(), rest == null ? 0 : rest.workspaceBytes());
  }

  @Override
  public long forwardWorkspaceBytes() {
    return Math.max(part.forwardWorkspaceBytes(),
        rest == null ? 0 : rest.forwardWorkspaceBytes());
  }

  @Override
  public long inferenceWorkspaceBytes() {
    return Math.max(part.inferenceWorkspaceBytes(),
        rest == null ? 0 : rest.inferenceWorkspaceBytes());
  }

  @Override
  public void release() {
    part.release();
    if (rest != null) {
      rest.release();
    }
  }

  @Override
  public String implementation() {
    return part.implementation() + " in sub-batches of " + size;
  }

  @Override
  public Kernel fuse(OpInstance<?> epilogue) {
    return split(part.fuse(epilogue), rest == null ? null : rest.fuse(epilogue));
  }

  @Override
  public Kernel fuseSum(OpInstance<?> epilogue) {
    return split(part.fuseSum(epilogue), rest == null ? null : rest.fuseSum(epilogue));
  }

  /** This split over the variants {@code p} and {@code r} of its kernels, or null if one is. */
  private Kernel split(Kernel p, Kernel r) {
    return p == null || rest != null && r == null ? null
        : new SubBatchKernel(batch, size, (WeightedKernel) p, (WeightedKernel) r, wholeIn,
            wholeOut);
  }

  /** The whole batch's data layout where its sub-batches are slices, else row-major. */
  @Override
  public Layout nativeInput() {
    return slicesIn ? wholeIn : Layout.ROW_MAJOR;
  }

  /**
   * The whole batch's output layout where its sub-batches are slices (whatever the data's, as
   * {@link WeightedKernel#nativeOutput}), else row-major.
   */
  @Override
  public Layout nativeOutput(Layout input) {
    return slicesOut ? wholeOut : Layout.ROW_MAJOR;
  }

  @Override
  public boolean reads(Layout input) {
    return input == Layout.ROW_MAJOR || slicesIn && input.equals(wholeIn);
  }

  /**
   * This kernel over sub-batch kernels laid out for the slices of views in these layouts
   * ({@link WeightedKernel#laidOut}): a sub-batch of a blocked view needs no reorder slot, so
   * its kernels reserve none (decision 0069: VGG-16's conv1_1 at batch 64 reserved 0.7 GB of
   * output slots that its blocked calls never used).
   */
  @Override
  public Kernel withLayouts(Layout input, Layout output) {
    boolean writes = output == Layout.ROW_MAJOR || slicesOut && output.equals(wholeOut);
    if (!reads(input) || !writes) {
      return null;
    }
    WeightedKernel p = laidOut(part, input, output);
    WeightedKernel r = rest == null ? null : laidOut(rest, input, output);
    return new SubBatchKernel(batch, size, p, r, wholeIn, wholeOut);
  }

  /** {@code k} laid out for the slices of views in {@code input} and {@code output}. */
  private static WeightedKernel laidOut(WeightedKernel k, Layout input, Layout output) {
    Layout in = input == Layout.ROW_MAJOR ? Layout.ROW_MAJOR : k.nativeInput();
    Layout out = output == Layout.ROW_MAJOR ? Layout.ROW_MAJOR
        : k.nativeOutput(Layout.ROW_MAJOR);
    return k.laidOut(in, out);
  }

  @Override
  public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
    for (int from = 0; from < batch; from += size) {
      int n = Math.min(size, batch - from);
      TensorView[] i = in.clone();
      WeightedKernel k = kernel(n);
      Layout outLayout = k.nativeOutput(Layout.ROW_MAJOR);
      i[0] = slice(in[0], from, n, k.nativeInput());
      if (k.sums()) {
        // the addend has the output's shape, row-major or in the output's layout
        int a = in.length - 1;
        i[a] = slice(in[a], from, n, outLayout);
      }
      TensorView[] o = out.clone();
      o[0] = slice(out[0], from, n, outLayout);
      k.forward(ctx, i, o);
    }
  }

  @Override
  public void backward(OpContext ctx, BackwardArgs b) {
    GradReq[] req = b.req().clone();
    for (int from = 0; from < batch; from += size) {
      int n = Math.min(size, batch - from);
      TensorView[] og = b.outGrad().clone();
      og[0] = rows(og[0], from, n);
      TensorView[] in = b.in().clone();
      in[0] = rows(in[0], from, n);
      TensorView[] ig = b.inGrad().clone();
      if (ig[0] != null) {
        ig[0] = rows(ig[0], from, n);
      }
      kernel(n).backward(ctx, new BackwardArgs(og, in, b.out(), ig, req.clone()));
      // the weight and bias gradients of the next sub-batches add to this one's
      for (int k = 1; k < req.length; k++) {
        if (req[k] != GradReq.NULL) {
          req[k] = GradReq.ADD;
        }
      }
    }
  }

  private WeightedKernel kernel(int n) {
    return n == size ? part : rest;
  }

  /**
   * Samples {@code [from, from + n)} of {@code t}: row-major rows, or for {@code t} in the whole
   * batch's oneDNN layout (which {@link #withLayouts} accepted only where sub-batches are slices)
   * the same share of its buffer, as a view in the sub-batch kernel's layout {@code sub}.
   */
  private TensorView slice(TensorView t, int from, int n, Layout sub) {
    if (t.layout() == Layout.ROW_MAJOR) {
      return rows(t, from, n);
    }
    long sample = t.layout().bytes(t.shape(), t.dtype()) / batch;
    int[] d = t.shape().dims();
    d[0] = n;
    ByteBuffer b = t.data().duplicate().position(Math.toIntExact(from * sample))
        .limit(Math.toIntExact((from + n) * sample)).slice().order(ByteOrder.nativeOrder());
    return new TensorView(b, t.dtype(), Shape.of(d), sub);
  }

  /** Samples {@code [from, from + n)} of {@code t}, a view of the same storage. */
  private static TensorView rows(TensorView t, int from, int n) {
    int[] d = t.shape().dims();
    long row = t.shape().sizeFrom(1) * t.dtype().byteSize();
    d[0] = n;
    ByteBuffer b = t.data().duplicate().position(Math.toIntExact(from * row))
        .limit(Math.toIntExact((from + n) * row)).slice().order(ByteOrder.nativeOrder());
    return new TensorView(b, t.dtype(), Shape.of(d), t.layout());
  }
}
