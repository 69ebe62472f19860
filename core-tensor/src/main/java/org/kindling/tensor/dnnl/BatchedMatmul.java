package org.kindling.tensor.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.nio.FloatBuffer;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.memory.format_tag;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * A batch of float32 products of one shape, {@code C[i] = A[i] · B[i]} for {@code i < batch},
 * all row-major and contiguous ({@code A} is {@code (batch, m, k)}, {@code B}
 * {@code (batch, k, n)}, {@code C} {@code (batch, m, n)}, overwritten), as one oneDNN matmul on
 * the calling thread alone (one OpenMP thread): the GEMM stage of a Winograd block, one product
 * per transform point. oneDNN's brgemm reads {@code A} in place, where OpenBLAS's sgemm packs
 * both operands in every call and zeroes {@code C} first: for Winograd's transformed filters
 * ({@code A}, up to 1 MB per point) the packing took a third of the stage (perf, VGG-16 conv4_2),
 * and the batched matmul ran the stage's shapes 1.2-1.5x faster than one sgemm per point
 * (docs/winograd.md). Immutable; calls from several threads at once are safe (each gets its
 * scratchpad from its caller).
 */
public final class BatchedMatmul {
  private final Dnnl dnnl;
  private final memory.desc a;
  private final memory.desc b;
  private final memory.desc c;
  private final matmul prim;
  private final memory.desc pad;
  private final String impl;

  private BatchedMatmul(Dnnl dnnl, int batch, int m, int k, int n, boolean transB) {
    this.dnnl = dnnl;
    this.a = DnnlKernel.md(new long[] {batch, m, k}, format_tag.abc);
    this.b = DnnlKernel.md(new long[] {batch, k, n}, transB ? format_tag.acb : format_tag.abc);
    this.c = DnnlKernel.md(new long[] {batch, m, n}, format_tag.abc);
    dnnl.useThreads(1); // the split the primitive keeps is made for the thread count it runs
    matmul.primitive_desc pd = new matmul.primitive_desc(dnnl.engine, a, b, c,
        DnnlKernel.userScratchpad(), false);
    this.prim = new matmul(pd);
    this.pad = pd.scratchpad_desc();
    this.impl = pd.impl_info_str().getString();
  }

  /**
   * The products of this shape on oneDNN, or null if oneDNN's natives do not load here
   * (callers then run their own sgemms). Made outside any {@link PointerScope} of the caller,
   * which would free the primitive when it closes.
   *
   * @throws LinkageError if oneDNN's classes are not on the class path
   */
  public static BatchedMatmul of(int batch, int m, int k, int n) {
    return of(batch, m, k, n, false);
  }

  /**
   * {@link #of(int, int, int, int)}, with {@code transB}: {@code B[i]} held transposed, as
   * {@code (batch, n, k)} row-major ({@code C[i] = A[i] · B[i]ᵀ} of that array).
   */
  public static BatchedMatmul of(int batch, int m, int k, int n, boolean transB) {
    Dnnl dnnl = Dnnl.get();
    if (dnnl == null) {
      return null;
    }
    try (PointerScope own = new PointerScope()) {
      BatchedMatmul mm = new BatchedMatmul(dnnl, batch, m, k, n, transB);
      for (Pointer p : new Pointer[] {mm.a, mm.b, mm.c, mm.prim, mm.pad}) {
        p.retainReference(); // detach releases the scope's reference: freed by the GC instead
        own.detach(p);
      }
      return mm;
    }
  }

  /** Bytes of scratchpad a call needs ({@code scratch} of {@link #run}). */
  public long scratchBytes() {
    return pad.get_size();
  }

  /** oneDNN's name of the implementation, e.g. {@code brg_matmul:avx512_core}. */
  public String implementation() {
    return impl;
  }

  /**
   * Computes the products on the calling thread.
   *
   * @param aOff index of A's first float in {@code aBuf}; likewise {@code bOff}, {@code cOff}
   * @param scratch {@link #scratchBytes()} bytes from index 0 (unused if none)
   */
  public void run(FloatBuffer aBuf, int aOff, FloatBuffer bBuf, int bOff, FloatBuffer cBuf,
      int cOff, FloatBuffer scratch) {
    try (PointerScope scope = new PointerScope()) {
      IntMemoryMap args = new IntMemoryMap();
      args.put(DNNL_ARG_SRC, wrap(a, aBuf, aOff));
      args.put(DNNL_ARG_WEIGHTS, wrap(b, bBuf, bOff));
      args.put(DNNL_ARG_DST, wrap(c, cBuf, cOff));
      if (pad.get_size() > 0) {
        args.put(DNNL_ARG_SCRATCHPAD, new memory(pad, dnnl.engine, new Pointer(scratch)));
      }
      dnnl.execute(prim, args, 1);
    }
  }

  private memory wrap(memory.desc d, FloatBuffer buf, int off) {
    int floats = Math.toIntExact(d.get_size() / 4);
    return new memory(d, dnnl.engine, new Pointer(buf.slice(off, floats)));
  }
}
