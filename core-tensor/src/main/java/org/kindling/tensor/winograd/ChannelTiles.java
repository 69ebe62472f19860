package org.kindling.tensor.winograd;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The transforms of one Winograd block over channel-blocked data and output ({@code nChw<b>c},
 * {@code nhwc} being {@code b = C}; decision 0080), with the channels innermost throughout: V
 * as {@code [point][tile][channel]}, M as {@code [point][tile][output channel]}, so that the
 * products are {@code M[p] (tiles x K) = V[p] (tiles x C) · U[p]ᵀ} ({@link Products#multiplyT})
 * and no element is ever transposed on its own. What the row-major path ({@link TiledConv}) does
 * per element, this does per pixel: a pixel's C channels are contiguous in the layout and in
 * every array here, so each move is a block copy of C floats and each transform loop runs over
 * {@code tiles x C} floats with unit stride (vectorized by the JIT).
 *
 * <p>Per tile row of the block: the α input rows it reads are staged by pixel into the m
 * column phases of the padded row (column {@code q} into phase {@code q mod m} at pixel {@code
 * q / m}), so that element j of every tile of the row is the contiguous run {@code phase[j mod
 * m][j / m ..]}; {@code Bᵀ} is applied along the rows over whole phases, then along the columns
 * over the whole tile row. On the way out, {@code Aᵀ} along the rows and then the columns over
 * the tile row's products, each output row is interleaved pixel by pixel (K floats), given its
 * bias and relu, and written in one bulk move per channel block.
 *
 * <p>The transforms add the same terms in the same order as the row-major path's, so V and
 * the output transform of given products are its bits; the products' sums run in another order
 * (the GEMM is transposed), so results agree with the row-major kernel within the float64 bound
 * of docs/winograd.md, not bit for bit. Not thread-safe: one per worker.
 */
final class ChannelTiles {
  private final Variant v;
  private final int cin;
  private final int cout;
  private final int h;
  private final int w;
  private final int oh;
  private final int ow;
  private final int padY;
  private final int padX;
  private final int tilesY;
  private final int tilesX;
  /** Pixels of one phase of a padded input row: {@code tilesX + 1} covers every column read. */
  private final int phasePixels;
  /** {@code d[i][phase]}: staged input rows; {@code e[r][phase]}: Bᵀ applied along rows. */
  private final float[][] d;
  private final float[][] e;
  /** V of the tile row, one array per point: {@code [tile][channel]}. */
  private final float[][] vRow;
  /** M of the tile row, one array per point: {@code [tile][output channel]}. */
  private final float[][] mRow;
  /** Aᵀ along rows ({@code m x α}), then along columns ({@code m x m}), per tile row. */
  private final float[][] z;
  private final float[][] yt;
  /** One output row, {@code [pixel][output channel]}, and the bias repeated per pixel. */
  private final float[] outRow;
  private final float[] biasRow;
  /** One staged input row, as the layout holds it ({@code [block][pixel][b]}). */
  private final float[] inTmp;
  /** One output row in a layout of several channel blocks. */
  private final float[] outTmp;
  /** 0 while every staged value is finite, NaN after. */
  private final float[] check;
  private final int[] srcOff;
  private final float[][] srcArr;
  private final float[] coef;

  ChannelTiles(Variant v, int cin, int cout, int h, int w, int oh, int ow, int padY, int padX) {
    this.v = v;
    this.cin = cin;
    this.cout = cout;
    this.h = h;
    this.w = w;
    this.oh = oh;
    this.ow = ow;
    this.padY = padY;
    this.padX = padX;
    this.tilesY = (oh + v.m - 1) / v.m;
    this.tilesX = (ow + v.m - 1) / v.m;
    this.phasePixels = tilesX + 1;
    int a = v.alpha;
    this.d = TileMath.rows(a * v.m, phasePixels * cin);
    this.e = TileMath.rows(a * v.m, phasePixels * cin);
    this.vRow = TileMath.rows(v.points(), tilesX * cin);
    this.mRow = TileMath.rows(v.points(), tilesX * cout);
    this.z = TileMath.rows(v.m * a, tilesX * cout);
    this.yt = TileMath.rows(v.m * v.m, tilesX * cout);
    this.outRow = new float[tilesX * v.m * cout];
    this.biasRow = new float[tilesX * v.m * cout];
    this.inTmp = new float[w * cin];
    this.outTmp = new float[ow * cout];
    this.check = new float[phasePixels * cin];
    this.srcOff = new int[a];
    this.srcArr = new float[a][];
    this.coef = new float[a];
  }

  /**
   * The transforms of tile rows {@code row0 .. row0 + rows - 1} into V at {@code vOff} of
   * {@code ws} ({@code V[p][tile][c]}, {@code rows·tilesX} tiles); false (V partly written) if
   * the data they read holds NaN or ±Inf.
   */
  boolean input(FloatBuffer x, int inBlock, int row0, int rows, FloatBuffer ws, int vOff) {
    int a = v.alpha;
    int m = v.m;
    int tiles = rows * tilesX;
    int len = phasePixels * cin;
    Arrays.fill(check, 0f);
    for (int rr = 0; rr < rows; rr++) {
      int n = (row0 + rr) / tilesY;
      int ty = (row0 + rr) % tilesY;
      for (int i = 0; i < a; i++) {
        stageRow(x, inBlock, n, ty * m - padY + i, i);
      }
      // E[r] = Σ_i Bᵀ[r][i] D[i], phase by phase: the row-major pass's terms and order
      TileMath.along(v.t.bt, a, a, m, d, m, 1, e, m, 1, len);
      // V[r][s] = Σ_j Bᵀ[s][j] E[r][j]: element j of tile tx is pixel tx + j / m of phase j mod m
      int rowLen = tilesX * cin;
      for (int r = 0; r < a; r++) {
        for (int s = 0; s < a; s++) {
          int terms = 0;
          for (int j = 0; j < a; j++) {
            float c = v.t.bt[s * a + j];
            if (c != 0f) {
              srcArr[terms] = e[r * m + j % m];
              srcOff[terms] = (j / m) * cin;
              coef[terms++] = c;
            }
          }
          OffsetSums.sum(vRow[r * a + s], 0, srcArr, srcOff, coef, terms, rowLen);
        }
      }
      for (int p = 0; p < v.points(); p++) {
        ws.put(vOff + (p * tiles + rr * tilesX) * cin, vRow[p], 0, rowLen);
      }
    }
    for (int q = 0; q < len; q++) {
      if (check[q] != 0f) {
        return false;
      }
    }
    return true;
  }

  /**
   * Input row {@code iy} of image {@code n} (zeros outside the data) into {@code d[i][·]}, by
   * pixel into the phases of its padded columns, its values checked.
   */
  private void stageRow(FloatBuffer x, int inBlock, int n, int iy, int i) {
    int m = v.m;
    int x0 = Math.max(0, padX); // first padded column holding data
    int ix0 = Math.max(0, -padX);
    int cols = Math.max(0, Math.min(w - ix0, tilesX * m + Transforms.R - 1 - x0));
    if (iy < 0 || iy >= h || cols == 0) {
      for (int ph = 0; ph < m; ph++) {
        Arrays.fill(d[i * m + ph], 0f);
      }
      return;
    }
    int groups = cin / inBlock;
    for (int g = 0; g < groups; g++) {
      // block g of the row: w pixels of inBlock channels, contiguous
      x.get(((n * groups + g) * h + iy) * w * inBlock, inTmp, g * w * inBlock, w * inBlock);
    }
    for (int q = 0; q < x0; q++) {
      Arrays.fill(d[i * m + q % m], (q / m) * cin, (q / m + 1) * cin, 0f);
    }
    for (int k = 0; k < cols; k++) {
      int q = x0 + k;
      float[] dst = d[i * m + q % m];
      int at = (q / m) * cin;
      int ix = ix0 + k;
      if (groups == 1) {
        System.arraycopy(inTmp, ix * cin, dst, at, cin);
      } else {
        for (int g = 0; g < groups; g++) {
          System.arraycopy(inTmp, (g * w + ix) * inBlock, dst, at + g * inBlock, inBlock);
        }
      }
    }
    for (int q = x0 + cols; q < phasePixels * m; q++) {
      Arrays.fill(d[i * m + q % m], (q / m) * cin, (q / m + 1) * cin, 0f);
    }
    for (int ph = 0; ph < m; ph++) {
      float[] row = d[i * m + ph];
      for (int q = 0; q < row.length; q++) {
        check[q] += 0f * row[q]; // stays 0, NaN once a value is NaN or ±Inf (vectorized)
      }
    }
  }

  /**
   * Aᵀ M A of the block's products ({@code M[p][tile][k]} at {@code mOff}, {@code rows·tilesX}
   * tiles), clipped into channel-blocked {@code y} with {@code bias} (null: none) and, with
   * {@code relu}, MXNet's relu ({@code max(v, 0)}: NaN stays NaN).
   */
  void output(FloatBuffer ws, int mOff, int row0, int rows, FloatBuffer bias, FloatBuffer y,
      int outBlock, boolean relu) {
    int a = v.alpha;
    int m = v.m;
    int tiles = rows * tilesX;
    int rowLen = tilesX * cout;
    if (bias != null) {
      bias.get(0, biasRow, 0, cout);
      for (int q = 1; q < tilesX * m; q++) {
        System.arraycopy(biasRow, 0, biasRow, q * cout, cout);
      }
    }
    for (int rr = 0; rr < rows; rr++) {
      int n = (row0 + rr) / tilesY;
      int ty = (row0 + rr) % tilesY;
      for (int p = 0; p < v.points(); p++) {
        ws.get(mOff + (p * tiles + rr * tilesX) * cout, mRow[p], 0, rowLen);
      }
      // the row-major output transform's passes, over tiles x channels
      TileMath.along(v.t.at, m, a, a, mRow, a, 1, z, a, 1, rowLen); // Z[i][s]
      TileMath.along(v.t.at, m, a, m, z, 1, a, yt, 1, m, rowLen); // Y[i][j]
      for (int i = 0; i < m && ty * m + i < oh; i++) {
        for (int j = 0; j < m; j++) { // element j of every tile is pixel tx·m + j
          float[] src = yt[i * m + j];
          for (int tx = 0; tx < tilesX; tx++) {
            System.arraycopy(src, tx * cout, outRow, (tx * m + j) * cout, cout);
          }
        }
        int px = ow * cout;
        if (bias != null) {
          for (int q = 0; q < px; q++) {
            outRow[q] += biasRow[q];
          }
        }
        if (relu) {
          for (int q = 0; q < px; q++) {
            outRow[q] = Math.max(outRow[q], 0f); // NaN stays NaN, -0 becomes 0: MXNet's relu
          }
        }
        store(y, outBlock, n, ty * m + i);
      }
    }
  }

  /** {@link #outRow} as output row {@code oy} of image {@code n}. */
  private void store(FloatBuffer y, int outBlock, int n, int oy) {
    int groups = cout / outBlock;
    if (groups == 1) {
      y.put((n * oh + oy) * ow * cout, outRow, 0, ow * cout);
      return;
    }
    for (int g = 0; g < groups; g++) {
      for (int ox = 0; ox < ow; ox++) {
        System.arraycopy(outRow, ox * cout + g * outBlock, outTmp, (g * ow + ox) * outBlock,
            outBlock);
      }
      y.put(((n * groups + g) * oh + oy) * ow * outBlock, outTmp, g * ow * outBlock,
          ow * outBlock);
    }
  }
}
