package org.kindling.tensor.winograd;

import java.nio.FloatBuffer;
import java.util.Locale;
import org.kindling.tensor.dnnl.BatchedMatmul;
import org.kindling.tensor.kernel.Blas;

/**
 * The GEMM stage of a Winograd block: {@code M[p] (K x tiles) = U[p] (K x C) · V[p] (C x tiles)}
 * for every transform point {@code p}, all row-major and contiguous per point. By default one
 * oneDNN batched matmul per block ({@link BatchedMatmul}, on the calling worker's thread), which
 * reads the transformed filters {@code U} in place; with {@value #GEMM}{@code =openblas}, or
 * where oneDNN does not load, one OpenBLAS sgemm per point, which packs {@code U[p]} (up to 1 MB)
 * again for every block. A block has one of two tile counts (a full block, and the shorter
 * last one), so one primitive is made for each.
 */
final class Products {
  /** System property: {@code onednn} (the default) or {@code openblas}. */
  static final String GEMM = "kindling.winograd.gemm";

  private final int points;
  private final int k;
  private final int c;
  private final int fullTiles;
  /** Null where OpenBLAS runs the stage. */
  private final BatchedMatmul full;
  /** {@link #multiplyT}'s, made on first use (null where OpenBLAS runs the stage). */
  private volatile BatchedMatmul fullT;
  private volatile BatchedMatmul lastT;
  private final int lastTiles;
  /** The shorter last block's, null if there is none or OpenBLAS runs the stage. */
  private final BatchedMatmul last;

  private Products(int points, int k, int c, int fullTiles, int lastTiles, BatchedMatmul full,
      BatchedMatmul last) {
    this.lastTiles = lastTiles;
    this.points = points;
    this.k = k;
    this.c = c;
    this.fullTiles = fullTiles;
    this.full = full;
    this.last = last;
  }

  /**
   * The stage for blocks of {@code fullTiles} tiles and a last block of {@code lastTiles} (0 if
   * every block is full).
   *
   * @throws IllegalArgumentException if {@value #GEMM} is neither {@code onednn} nor
   *     {@code openblas}
   */
  static Products of(int points, int k, int c, int fullTiles, int lastTiles) {
    String gemm = System.getProperty(GEMM, "onednn").trim().toLowerCase(Locale.ROOT);
    if (!gemm.equals("onednn") && !gemm.equals("openblas")) {
      throw new IllegalArgumentException("-D" + GEMM + "=" + gemm
          + " is not a GEMM of the Winograd kernels; use onednn or openblas");
    }
    if (gemm.equals("onednn")) {
      try {
        BatchedMatmul f = BatchedMatmul.of(points, k, c, fullTiles);
        if (f != null) {
          return new Products(points, k, c, fullTiles, lastTiles, f,
              lastTiles == 0 ? null : BatchedMatmul.of(points, k, c, lastTiles));
        }
      } catch (LinkageError e) {
        // oneDNN's classes are not on the class path (a jar built without them): OpenBLAS
      }
    }
    return new Products(points, k, c, fullTiles, lastTiles, null, null);
  }

  /** The transposed products' primitive for blocks of {@code tiles}. */
  private BatchedMatmul transposed(int tiles) {
    if (tiles == fullTiles) {
      BatchedMatmul f = fullT;
      if (f == null) {
        synchronized (this) {
          if (fullT == null) {
            fullT = BatchedMatmul.of(points, fullTiles, c, k, true);
          }
          f = fullT;
        }
      }
      return f;
    }
    BatchedMatmul l = lastT;
    if (l == null) {
      synchronized (this) {
        if (lastT == null) {
          lastT = BatchedMatmul.of(points, lastTiles, c, k, true);
        }
        l = lastT;
      }
    }
    return l;
  }

  /** Floats of scratchpad a call needs, a multiple of 16 (64 bytes). */
  long scratchFloats() {
    long bytes = Math.max(full == null ? 0 : full.scratchBytes(),
        last == null ? 0 : last.scratchBytes());
    if (full != null) {
      bytes = Math.max(bytes, Math.max(transposed(fullTiles).scratchBytes(),
          lastTiles == 0 ? 0 : transposed(lastTiles).scratchBytes()));
    }
    return (bytes + 63) / 64 * 16;
  }

  /** The implementation: oneDNN's name for it, or OpenBLAS's sgemm. */
  String implementation() {
    return full == null ? "OpenBLAS sgemm " + Blas.coreName() : "oneDNN " + full.implementation();
  }

  /**
   * {@code M = U · V} for a block of {@code tiles} tiles.
   *
   * @param u {@code U[point][K][C]} from index 0
   * @param ws holds {@code V[point][C][tiles]} at {@code vOff}, receives
   *     {@code M[point][K][tiles]} at {@code mOff}, and has {@link #scratchFloats()} floats of
   *     scratchpad at {@code scratchOff}
   */
  void multiply(int tiles, FloatBuffer u, FloatBuffer ws, int vOff, int mOff, int scratchOff) {
    if (full == null) {
      for (int p = 0; p < points; p++) {
        Blas.sgemm(false, false, k, tiles, c, 1f, u, p * k * c, c, ws, vOff + p * c * tiles,
            tiles, 0f, ws, mOff + p * k * tiles, tiles);
      }
      return;
    }
    BatchedMatmul mm = tiles == fullTiles ? full : last;
    mm.run(u, 0, ws, vOff, ws, mOff, ws.slice(scratchOff, (int) scratchFloats()));
  }

  /**
   * The products with the channels innermost ({@link ChannelTiles}): {@code M[p] (tiles x K) =
   * V[p] (tiles x C) · U[p]ᵀ}: one oneDNN batched matmul reading {@code U} as transposed
   * weights (made on first use; its scratchpad, up to 130 kB on VGG-16's layers, is counted in
   * {@link #scratchFloats()}), or one OpenBLAS sgemm per point under {@value #GEMM}{@code
   * =openblas}. Measured on VGG-16 conv3_2 at batch 8 (one thread, thread CPU time), the whole
   * call took 109 ms with oneDNN's products and 122 ms with OpenBLAS's.
   *
   * @param u {@code U[point][K][C]} from index 0
   * @param ws holds {@code V[point][tiles][C]} at {@code vOff}, receives
   *     {@code M[point][tiles][K]} at {@code mOff}, and has {@link #scratchFloats()} floats
   *     of scratchpad at {@code scratchOff}
   */
  void multiplyT(int tiles, FloatBuffer u, FloatBuffer ws, int vOff, int mOff, int scratchOff) {
    if (full != null) {
      BatchedMatmul mm = transposed(tiles);
      mm.run(ws, vOff, u, 0, ws, mOff, ws.slice(scratchOff, (int) scratchFloats()));
      return;
    }
    for (int p = 0; p < points; p++) {
      Blas.sgemm(false, true, tiles, k, c, 1f, ws, vOff + p * tiles * c, c, u, p * k * c, c,
          0f, ws, mOff + p * tiles * k, k);
    }
  }
}
