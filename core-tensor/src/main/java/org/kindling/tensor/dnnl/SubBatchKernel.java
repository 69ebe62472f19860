package org.kindling.tensor.dnnl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.EpilogueFusable;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.TensorView;

/**
 * A weighted layer ({@link WeightedKernel}) run over its batch in sub-batches, for a batch whose
 * workspace would pass {@link WorkspaceBound}: kernels made for the sub-batch size and for the
 * remainder run in sequence over views of the data (input 0) and the output (output 0), which
 * are row-major with the batch as their leading axis. Forward and data gradient are exact
 * (every sample is computed on its own); weight and bias gradients are accumulated over the
 * sub-batches in batch order (the first one honours the caller's request, the others add), so
 * the result is deterministic.
 */
final class SubBatchKernel implements Kernel, EpilogueFusable {
  private final int batch;
  private final int size;
  private final Kernel part;
  private final Kernel rest;

  /**
   * @param batch the whole batch
   * @param size the sub-batch, {@code 1 <= size < batch}
   * @param part the kernel of {@code size} samples
   * @param rest the kernel of the last {@code batch % size} samples, or null if none remain
   */
  SubBatchKernel(int batch, int size, Kernel part, Kernel rest) {
    this.batch = batch;
    this.size = size;
    this.part = part;
    this.rest = rest;
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
  public String implementation() {
    return part.implementation() + " in sub-batches of " + size;
  }

  @Override
  public Kernel fuse(OpInstance<?> epilogue) {
    Kernel p = ((EpilogueFusable) part).fuse(epilogue);
    Kernel r = rest == null ? null : ((EpilogueFusable) rest).fuse(epilogue);
    return p == null || rest != null && r == null ? null : new SubBatchKernel(batch, size, p, r);
  }

  @Override
  public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
    for (int from = 0; from < batch; from += size) {
      int n = Math.min(size, batch - from);
      TensorView[] i = in.clone();
      i[0] = rows(in[0], from, n);
      TensorView[] o = out.clone();
      o[0] = rows(out[0], from, n);
      kernel(n).forward(ctx, i, o);
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

  private Kernel kernel(int n) {
    return n == size ? part : rest;
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
