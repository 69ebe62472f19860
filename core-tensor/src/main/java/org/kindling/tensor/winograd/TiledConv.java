package org.kindling.tensor.winograd;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One Winograd correlation of a fixed geometry: input {@code (N, cin, h, w)} correlated with
 * 3x3 filters into output {@code (N, cout, oh, ow)}, where output {@code (oy, ox)} reads input
 * rows {@code oy - padY .. oy - padY + 2} (zeros outside; {@code padY} may be negative, which
 * crops) and likewise columns. Both the forward pass ({@code pad} of the convolution) and the
 * data gradient ({@code 2 - pad}, flipped filters) are such correlations.
 *
 * <p>The output is covered by {@code tilesY x tilesX} tiles of {@code m x m} per image; tiles
 * are processed in blocks of whole tile rows. Per block: each input tile is transformed
 * ({@code Bᵀ D B}) into {@code V[point][cin][tile]}; the GEMM stage ({@link Products}: one
 * oneDNN batched matmul, or one OpenBLAS sgemm per point) computes
 * {@code M[point] (cout x tiles) = U[point] (cout x cin) · V[point] (cin x tiles)}; each product
 * tile is transformed back ({@code Aᵀ M A}), clipped to the output and given its bias. The
 * blocks are shared out among {@code threads} workers ({@link Workers}), each with its own part
 * of the workspace and single-threaded work (oneDNN's matmul on the worker's thread alone;
 * OpenBLAS's sgemms on its threads per call, 1 under the default thread budget). Per call, only
 * small heap arrays for each worker's transforms are allocated; V, M and the GEMM's scratchpad
 * live in the workspace. Over channel-blocked data and output, the same blocks can instead be
 * transformed with the channels innermost ({@link ChannelTiles}: V as {@code [point][tile][C]},
 * the products transposed; decision 0080). Immutable (the GEMM stage is made on first use) and
 * thread-safe.
 */
final class TiledConv {
  /**
   * V and M of one block take at most this much workspace per worker (unless one tile row needs
   * more). Large enough that a 512-channel layer still gets 128 tiles per block: each block's
   * sgemms read all of U ({@code α²·K·C} floats, 64 MB for F(6x6) at 512 channels), so a block
   * of 30 tiles (the earlier 8 MB bound) made the sgemms stream U from memory for few columns.
   */
  private static final long BLOCK_BYTES = 32L << 20;
  /** At most this many tiles per block: bounds the heap arrays of the transforms (L2-sized). */
  private static final int MAX_BLOCK_TILES = 512;
  /**
   * The tile rows are cut into at least this many blocks where there are as many rows, whatever
   * the thread count, so that every worker of up to this many gets a block. A constant, not the
   * thread count: OpenBLAS gives a column the same bits only in an sgemm of the same shape (under
   * {@code OPENBLAS_CORETYPE=Haswell}, 1 and 2 threads' blocks gave different data gradients), so
   * blocks that do not depend on the thread count keep every thread count's result bit for bit.
   */
  private static final int SHARES = 8;
  /**
   * Rows of at least this many tiles are gathered through their phases ({@link #inputTransform}).
   * On VGG-16's and ResNet-18's layers at batch 16 (one Xeon core, thread CPU time, one run each),
   * the phases made 56x56 and larger maps faster and 14x14 and 7x7 maps (4 and 2 tiles a row in
   * F(4x4)) 3-6% slower.
   */
  private static final int PHASED_TILES = 8;

  private final Variant v;
  private final Transforms tf;
  private final int num;
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
  private final int stripWidth;
  private final int rowsPerBlock;
  private final int workers;
  /** The GEMM stage, made on first use (a tiling made only to measure shapes never needs it). */
  private volatile Products products;

  /**
   * @param padY rows of zeros above the input (negative: rows cropped), likewise {@code padX}
   * @param threads workers of a call, each on its own blocks of tile rows
   */
  TiledConv(Variant v, int num, int cin, int cout, int h, int w, int oh, int ow, int padY,
      int padX, int threads) {
    this(v, num, cin, cout, h, w, oh, ow, padY, padX, threads, num * ((oh + v.m - 1) / v.m));
  }

  /**
   * A correlation whose blocks have the tile rows they would have in a call over
   * {@code blockedRows} tile rows (the same channels and width): the bind-time measurement runs
   * a part of the real call's shape, cut into the real call's blocks, so that its sgemms have
   * the real call's columns (blocks of one tile row of 14 tiles, as a cut of the output alone
   * would give a 56x56 layer, are a different, slower GEMM regime).
   */
  TiledConv(Variant v, int num, int cin, int cout, int h, int w, int oh, int ow, int padY,
      int padX, int threads, int blockedRows) {
    this.v = v;
    this.tf = v.t;
    this.num = num;
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
    this.stripWidth = tilesX * v.m + Transforms.R - 1;
    long perTile = 4L * v.points() * (cin + cout);
    int byBytes = (int) Math.min(MAX_BLOCK_TILES, Math.max(1, BLOCK_BYTES / perTile));
    int perShare = (blockedRows + SHARES - 1) / SHARES;
    this.rowsPerBlock = Math.max(1, Math.min(byBytes / tilesX, perShare));
    this.workers = Math.max(1, Math.min(threads, blocks()));
  }

  /** Channels of the data (the correlation's input). */
  int inputChannels() {
    return cin;
  }

  /** Channels of the output. */
  int outputChannels() {
    return cout;
  }

  /** Tile rows of one block (the last block may have fewer). */
  int rowsPerBlock() {
    return rowsPerBlock;
  }

  /** Tile rows of the output, over all images. */
  int tileRows() {
    return num * tilesY;
  }

  /** Output tile rows per image. */
  int tilesY() {
    return tilesY;
  }

  /** Blocks of a call. */
  int blocks() {
    return (tileRows() + rowsPerBlock - 1) / rowsPerBlock;
  }

  /** Workers of a call: the threads, or fewer if there are fewer blocks. */
  int workers() {
    return workers;
  }

  /** Floats of the transformed filters {@code U[point][cout][cin]}. */
  long filterFloats() {
    return (long) v.points() * cout * cin;
  }

  /** Tiles of one block (the last block may have fewer). */
  int blockTiles() {
    return rowsPerBlock * tilesX;
  }

  /** Floats of workspace {@link #run} needs for V and M: one block per worker. */
  long blockFloats() {
    return (long) workers * blockStride();
  }

  /** A worker's V, M and GEMM scratchpad. */
  private long blockStride() {
    return (long) v.points() * (cin + cout) * blockTiles() + products().scratchFloats();
  }

  /** The GEMM stage's products, made on first use. */
  private Products products() {
    Products p = products;
    if (p == null) {
      synchronized (this) {
        if (products == null) {
          int lastRows = tileRows() % rowsPerBlock;
          products = Products.of(v.points(), cout, cin, blockTiles(), lastRows * tilesX);
        }
        p = products;
      }
    }
    return p;
  }

  /**
   * Transforms the filters into {@code u} ({@link #filterFloats()} floats from index 0):
   * {@code U[point][o][i] = (G g G^T)[point]}, computed in double and rounded once, where
   * {@code g} is {@code wt[o][i]}, or with {@code flip} the data-gradient filter
   * {@code wt[i][o]} rotated by 180 degrees. {@code wt} is {@code (cout, cin, 3, 3)}, or
   * {@code (cin, cout, 3, 3)} with {@code flip}.
   */
  void transformFilters(FloatBuffer wt, boolean flip, FloatBuffer u) {
    int a = v.alpha;
    int r = Transforms.R;
    double[] gm = tf.g;
    double[] g = new double[r * r];
    double[] tmp = new double[a * r];
    float[] row = new float[v.points() * cin];
    for (int o = 0; o < cout; o++) {
      for (int i = 0; i < cin; i++) {
        int base = (flip ? i * cout + o : o * cin + i) * r * r;
        for (int e = 0; e < r * r; e++) {
          g[e] = wt.get(base + (flip ? r * r - 1 - e : e));
        }
        for (int p = 0; p < a; p++) { // tmp = G g
          for (int k = 0; k < r; k++) {
            double s = 0;
            for (int q = 0; q < r; q++) {
              s += gm[p * r + q] * g[q * r + k];
            }
            tmp[p * r + k] = s;
          }
        }
        for (int p = 0; p < a; p++) { // U = tmp G^T
          for (int q = 0; q < a; q++) {
            double s = 0;
            for (int k = 0; k < r; k++) {
              s += tmp[p * r + k] * gm[q * r + k];
            }
            row[(p * a + q) * cin + i] = (float) s;
          }
        }
      }
      for (int p = 0; p < v.points(); p++) {
        u.put((p * cout + o) * cin, row, p * cin, cin);
      }
    }
  }

  /**
   * {@code y = x ⋆ filters (+ bias)}: writes, or with {@code add} accumulates onto, every output
   * element; with {@code relu} (not with {@code add}) writes {@code max(x ⋆ filters + bias, 0)},
   * MXNet's relu (NaN stays NaN, -0 becomes 0) applied to each output row while it is in cache.
   *
   * <p>Every element of {@code x} is gathered into some tile (each one is read by some output
   * of a stride-1 3x3 correlation with non-negative padding), and each gathered row is checked
   * for NaN and ±Inf while it is in cache (the check of a channel's rows in a block is read before
   * that channel is transformed): at the first such channel the workers stop and this
   * returns false, with the outputs partly written (partly accumulated with {@code add}). The
   * caller then runs another kernel over the whole output: a transform would spread the value
   * over its tile, where MXNet's direct products keep it to the outputs that read it.
   *
   * @param u transformed filters from {@link #transformFilters}, from index 0
   * @param bias {@code (cout,)} or null
   * @param ws at least {@link #blockFloats()} floats from index {@code wsOff}
   * @return true if every element of {@code x} was finite (and every output written)
   */
  boolean run(FloatBuffer x, FloatBuffer u, FloatBuffer bias, FloatBuffer y, boolean add,
      boolean relu, FloatBuffer ws, int wsOff) {
    return run(x, 0, u, bias, y, 0, add, relu, ws, wsOff);
  }

  /**
   * {@link #run(FloatBuffer, FloatBuffer, FloatBuffer, FloatBuffer, boolean, boolean,
   * FloatBuffer, int) run} over data and output in channel-blocked layouts ({@code
   * nChw<b>c}, {@link org.kindling.tensor.op.Layout#channelBlock()}): {@code inBlock} and
   * {@code outBlock} are the blocks of {@code x} and {@code y}, 0 for row-major. Only where the
   * rows are read from and written to differs: the transforms and products, and so every bit of
   * the result, are those of the row-major call.
   *
   * @throws IllegalArgumentException if a block does not divide its tensor's channels
   */
  boolean run(FloatBuffer x, int inBlock, FloatBuffer u, FloatBuffer bias, FloatBuffer y,
      int outBlock, boolean add, boolean relu, FloatBuffer ws, int wsOff) {
    return run(x, inBlock, u, bias, y, outBlock, add, relu, ws, wsOff, false);
  }

  /**
   * {@link #run(FloatBuffer, int, FloatBuffer, FloatBuffer, FloatBuffer, int, boolean, boolean,
   * FloatBuffer, int) run}; with {@code channelVectors}, where both data and output are
   * channel-blocked, the blocks are transformed with the channels innermost ({@link
   * ChannelTiles}, decision 0080): no element is transposed on its own, and the results agree
   * with the row-major call's within the float64 bound rather than bit for bit.
   */
  boolean run(FloatBuffer x, int inBlock, FloatBuffer u, FloatBuffer bias, FloatBuffer y,
      int outBlock, boolean add, boolean relu, FloatBuffer ws, int wsOff,
      boolean channelVectors) {
    if (inBlock < 0 || inBlock > 0 && cin % inBlock != 0 || outBlock < 0
        || outBlock > 0 && cout % outBlock != 0) {
      throw new IllegalArgumentException("channel blocks " + inBlock + " (data, " + cin
          + " channels) and " + outBlock + " (output, " + cout + " channels) do not divide"
          + " the channels");
    }
    if (add && relu) {
      throw new IllegalArgumentException("a fused relu applies to a written output, not a sum");
    }
    if (add && outBlock > 0) { // only inference forward passes run on blocked views
      throw new IllegalArgumentException("a sum into a channel-blocked output is not supported");
    }
    int rowsTotal = tileRows();
    int blocks = blocks();
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean nonFinite = new AtomicBoolean();
    long callStart = StageTimes.ON ? System.nanoTime() : 0;
    LongAdder busy = StageTimes.ON ? new LongAdder() : null;
    boolean vectors = channelVectors && inBlock > 0 && outBlock > 0;
    Workers.run(workers, w -> {
      long workerStart = StageTimes.ON ? System.nanoTime() : 0;
      if (vectors) {
        ChannelTiles ct = new ChannelTiles(v, cin, cout, h, TiledConv.this.w, oh, ow, padY,
            padX);
        int off = Math.toIntExact(wsOff + w * blockStride());
        for (int b = next.getAndIncrement(); b < blocks && !nonFinite.get();
            b = next.getAndIncrement()) {
          int row0 = b * rowsPerBlock;
          if (!channelBlock(x, inBlock, u, bias, y, outBlock, relu, ws, off, row0,
              Math.min(rowsPerBlock, rowsTotal - row0), ct)) {
            nonFinite.set(true);
          }
        }
        if (StageTimes.ON) {
          busy.add(System.nanoTime() - workerStart);
        }
        return;
      }
      Scratch s = new Scratch(v, blockTiles(), stripWidth, tilesX);
      if (inBlock > 0) {
        s.stageInput(BlockedRows.group(inBlock), rowsPerBlock * v.alpha, TiledConv.this.w,
            num);
      }
      if (outBlock > 0) {
        s.stageOutput(BlockedRows.group(outBlock), rowsPerBlock * v.m, ow);
      }
      int off = Math.toIntExact(wsOff + w * blockStride());
      for (int b = next.getAndIncrement(); b < blocks && !nonFinite.get();
          b = next.getAndIncrement()) {
        int row0 = b * rowsPerBlock;
        if (!block(x, inBlock, u, bias, y, outBlock, add, relu, ws, off, row0,
            Math.min(rowsPerBlock, rowsTotal - row0), s)) {
          nonFinite.set(true);
        }
      }
      if (StageTimes.ON) {
        busy.add(System.nanoTime() - workerStart);
      }
    });
    if (StageTimes.ON) {
      StageTimes.call(System.nanoTime() - callStart, busy.sum(), workers);
    }
    return !nonFinite.get();
  }

  /**
   * Tile rows {@code row0 .. row0 + rows - 1} (over all images), with V and M at {@code off};
   * false (nothing written) if their input holds NaN or ±Inf.
   */
  private boolean block(FloatBuffer x, int inBlock, FloatBuffer u, FloatBuffer bias,
      FloatBuffer y, int outBlock, boolean add, boolean relu, FloatBuffer ws, int off, int row0,
      int rows, Scratch s) {
    int points = v.points();
    int tiles = rows * tilesX;
    int vOff = off;
    int mOff = off + points * cin * tiles;
    if (inBlock > 0) {
      s.planInput(row0, rows, tilesY, v.m, padY, v.alpha, h);
    }
    for (int c = 0; c < cin; c++) {
      if (inBlock > 0 && c % s.inGroup == 0) {
        stageInput(x, inBlock, c, s);
      }
      if (!inputTransform(x, inBlock, c, row0, rows, tiles, s)) {
        return false;
      }
      long t0 = StageTimes.ON ? System.nanoTime() : 0;
      for (int p = 0; p < points; p++) {
        ws.put(vOff + (p * cin + c) * tiles, s.a[p], 0, tiles);
      }
      if (StageTimes.ON) {
        StageTimes.add(StageTimes.Stage.V_STORE, System.nanoTime() - t0);
      }
    }
    long t0 = StageTimes.ON ? System.nanoTime() : 0;
    products().multiply(tiles, u, ws, vOff, mOff, mOff + points * cout * tiles);
    if (StageTimes.ON) {
      StageTimes.add(StageTimes.Stage.GEMM, System.nanoTime() - t0);
    }
    for (int k = 0; k < cout; k++) {
      long t1 = StageTimes.ON ? System.nanoTime() : 0;
      for (int p = 0; p < points; p++) {
        ws.get(mOff + (p * cout + k) * tiles, s.a[p], 0, tiles);
      }
      if (StageTimes.ON) {
        StageTimes.add(StageTimes.Stage.M_LOAD, System.nanoTime() - t1);
      }
      outputTransform(k, row0, rows, tiles, bias == null ? 0f : bias.get(k), y, outBlock, add,
          relu, s);
      if (outBlock > 0 && (k + 1) % s.outGroup == 0) {
        flushOutput(y, outBlock, k + 1 - s.outGroup, row0, rows, s);
      }
    }
    return true;
  }

  /**
   * Tile rows {@code row0 .. row0 + rows - 1} with the channels innermost ({@link
   * ChannelTiles}), V and M at {@code off}; false if their input holds NaN or ±Inf (nothing
   * written).
   */
  private boolean channelBlock(FloatBuffer x, int inBlock, FloatBuffer u, FloatBuffer bias,
      FloatBuffer y, int outBlock, boolean relu, FloatBuffer ws, int off, int row0, int rows,
      ChannelTiles ct) {
    int tiles = rows * tilesX;
    int mOff = off + v.points() * cin * tiles;
    long t0 = StageTimes.ON ? System.nanoTime() : 0;
    if (!ct.input(x, inBlock, row0, rows, ws, off)) {
      return false;
    }
    long t1 = StageTimes.ON ? System.nanoTime() : 0;
    products().multiplyT(tiles, u, ws, off, mOff, mOff + v.points() * cout * tiles);
    long t2 = StageTimes.ON ? System.nanoTime() : 0;
    ct.output(ws, mOff, row0, rows, bias, y, outBlock, relu);
    if (StageTimes.ON) {
      StageTimes.add(StageTimes.Stage.INPUT_TRANSFORM, t1 - t0);
      StageTimes.add(StageTimes.Stage.GEMM, t2 - t1);
      StageTimes.add(StageTimes.Stage.OUTPUT_TRANSFORM, System.nanoTime() - t2);
    }
    return true;
  }

  /**
   * Channels {@code c0 .. c0 + s.inGroup - 1} of the block's input rows ({@link
   * Scratch#planInput}), out of channel-blocked {@code x} into {@code s.inStage}.
   */
  private void stageInput(FloatBuffer x, int inBlock, int c0, Scratch s) {
    long g0 = StageTimes.ON ? System.nanoTime() : 0;
    int plane = s.inRows * w;
    for (int i = 0; i < s.images; i++) {
      int n = s.firstImage + i;
      int start = planeStart(n, c0, cin, h * w, inBlock);
      for (int iy = s.rowLo[i]; iy < s.rowHi[i]; iy++) {
        BlockedRows.unpack(x, start + iy * w * inBlock, inBlock, s.inGroup, w, s.tmp, s.inStage,
            (s.rowAt[i] + iy - s.rowLo[i]) * w, plane);
      }
    }
    if (StageTimes.ON) {
      StageTimes.add(StageTimes.Stage.GATHER, System.nanoTime() - g0);
    }
  }

  /**
   * Output channels {@code k0 .. k0 + s.outGroup - 1} of the block, staged by {@link
   * #outputTransform}, into channel-blocked {@code y}.
   */
  private void flushOutput(FloatBuffer y, int outBlock, int k0, int row0, int rows, Scratch s) {
    long t0 = StageTimes.ON ? System.nanoTime() : 0;
    int m = v.m;
    int plane = s.outRows * ow;
    for (int rr = 0; rr < rows; rr++) {
      int n = (row0 + rr) / tilesY;
      int ty = (row0 + rr) % tilesY;
      int start = planeStart(n, k0, cout, oh * ow, outBlock);
      for (int i = 0; i < m && ty * m + i < oh; i++) {
        BlockedRows.pack(s.outStage, (rr * m + i) * ow, plane, y,
            start + (ty * m + i) * ow * outBlock, outBlock, s.outGroup, ow, s.tmp);
      }
    }
    if (StageTimes.ON) {
      StageTimes.add(StageTimes.Stage.SCATTER, System.nanoTime() - t0);
    }
  }

  /**
   * Gathers channel {@code c}'s input tiles of the block into {@code s.b}, then Bᵀ D B into
   * {@code s.a}; false (before transforming) if a gathered value is NaN or ±Inf.
   *
   * <p>Element {@code j} of tile {@code tx} in a padded input row is column {@code tx·m + j}: a
   * gather with stride m, which the JIT leaves scalar. So each row is first split into its m
   * phases ({@code phase[q][k] = row[k·m + q]}, one pass over the row in address order, {@link
   * Phases#split}), after which tile
   * element j of every tile of the row is the contiguous run {@code phase[j mod m][j / m ..]}, one
   * {@code arraycopy}: α/m times fewer scalar moves than a gather per tile element. Rows of
   * fewer than {@value #PHASED_TILES} tiles (28 or fewer output columns in F(4x4), 42 in F(6x6))
   * are gathered per tile element: there the m phase loops and α copies of a few floats each
   * cost more than they save. The α − m rows a tile row shares with the block's previous tile row
   * of the same image are copied from that row's tiles.
   */
  private boolean inputTransform(FloatBuffer x, int inBlock, int c, int row0, int rows,
      int tiles, Scratch s) {
    int a = v.alpha;
    int m = v.m;
    float[] row = s.inRow;
    float[] check = s.check;
    float[][] phase = s.phase;
    float[][] d = s.b;
    int x0 = Math.max(0, padX); // first padded column holding data
    int len = Math.max(0, Math.min(w - Math.max(0, -padX), stripWidth - x0));
    long g0 = StageTimes.ON ? System.nanoTime() : 0;
    for (int rr = 0; rr < rows; rr++) {
      int n = (row0 + rr) / tilesY;
      int ty = (row0 + rr) % tilesY;
      int plane = inBlock == 0 ? planeStart(n, c, cin, h * w, 0) : 0;
      int t0 = rr * tilesX;
      for (int i = 0; i < a; i++) {
        int iy = ty * m - padY + i;
        if (rr > 0 && ty > 0 && i < a - m) {
          // the previous tile row of this block, in the same image, gathered and checked this
          // input row as its row i + m: copy its tiles instead of gathering the row again
          for (int j = 0; j < a; j++) {
            System.arraycopy(d[(i + m) * a + j], t0 - tilesX, d[i * a + j], t0, tilesX);
          }
          continue;
        }
        if (iy < 0 || iy >= h || len == 0) {
          for (int j = 0; j < a; j++) {
            Arrays.fill(d[i * a + j], t0, t0 + tilesX, 0f);
          }
          continue;
        }
        Arrays.fill(row, 0, x0, 0f);
        if (inBlock == 0) {
          x.get(plane + iy * w + Math.max(0, -padX), row, x0, len);
        } else { // channel-blocked: the row was staged with its channel group
          int i0 = n - s.firstImage;
          int r = s.rowAt[i0] + iy - s.rowLo[i0];
          System.arraycopy(s.inStage, ((c % s.inGroup) * s.inRows + r) * w + Math.max(0, -padX),
              row, x0, len);
        }
        Arrays.fill(row, x0 + len, stripWidth, 0f);
        for (int q = 0; q < stripWidth; q++) {
          check[q] += 0f * row[q]; // stays 0, NaN once a value is NaN or ±Inf (vectorized)
        }
        if (tilesX < PHASED_TILES) {
          Phases.gather(row, m, a, tilesX, d, i * a, t0);
          continue;
        }
        Phases.split(row, stripWidth, m, phase);
        for (int j = 0; j < a; j++) {
          System.arraycopy(phase[j % m], j / m, d[i * a + j], t0, tilesX);
        }
      }
    }
    for (int q = 0; q < stripWidth; q++) {
      if (check[q] != 0f) {
        return false;
      }
    }
    long t1 = StageTimes.ON ? System.nanoTime() : 0;
    TileMath.along(tf.bt, a, a, a, d, a, 1, s.c, a, 1, tiles); // E[r][j] = Σ_i Bᵀ[r][i] D[i][j]
    TileMath.along(tf.bt, a, a, a, s.c, 1, a, s.a, 1, a, tiles); // V[r][s] = Σ_j Bᵀ[s][j] E[r][j]
    if (StageTimes.ON) {
      long t2 = System.nanoTime();
      StageTimes.add(StageTimes.Stage.GATHER, t1 - g0);
      StageTimes.add(StageTimes.Stage.INPUT_TRANSFORM, t2 - t1);
    }
    return true;
  }

  /** Aᵀ M A of filter {@code k}'s products in {@code s.a}, clipped into {@code y}. */
  private void outputTransform(int k, int row0, int rows, int tiles, float bias, FloatBuffer y,
      int outBlock, boolean add, boolean relu, Scratch s) {
    int a = v.alpha;
    int m = v.m;
    long o0 = StageTimes.ON ? System.nanoTime() : 0;
    TileMath.along(tf.at, m, a, a, s.a, a, 1, s.c, a, 1, tiles); // Z[i][s] = Σ_r Aᵀ[i][r] M[r][s]
    TileMath.along(tf.at, m, a, m, s.c, 1, a, s.b, 1, m, tiles); // Y[i][j] = Σ_s Aᵀ[j][s] Z[i][s]
    long t1 = StageTimes.ON ? System.nanoTime() : 0;
    float[][] yt = s.b;
    float[] line = s.line;
    for (int rr = 0; rr < rows; rr++) {
      int n = (row0 + rr) / tilesY;
      int ty = (row0 + rr) % tilesY;
      for (int i = 0; i < m && ty * m + i < oh; i++) {
        int t0 = rr * tilesX;
        Phases.interleave(yt, i * m, t0, tilesX, m, bias, line);
        if (outBlock > 0) {
          // channel-blocked: staged, moved out with its channel group (flushOutput)
          if (relu) {
            for (int j = 0; j < ow; j++) {
              line[j] = Math.max(line[j], 0f);
            }
          }
          System.arraycopy(line, 0, s.outStage, ((k % s.outGroup) * s.outRows + rr * m + i) * ow,
              ow);
          continue;
        }
        int at = ((n * cout + k) * oh + ty * m + i) * ow;
        if (add) {
          y.get(at, s.prev, 0, ow);
          for (int j = 0; j < ow; j++) {
            line[j] += s.prev[j];
          }
        }
        if (relu) {
          for (int j = 0; j < ow; j++) {
            line[j] = Math.max(line[j], 0f); // NaN stays NaN, -0 becomes 0: MXNet's relu
          }
        }
        y.put(at, line, 0, ow);
      }
    }
    if (StageTimes.ON) {
      StageTimes.add(StageTimes.Stage.OUTPUT_TRANSFORM, t1 - o0);
      StageTimes.add(StageTimes.Stage.SCATTER, System.nanoTime() - t1);
    }
  }

  /**
   * Index of element {@code (n, c, 0, 0)} of a tensor of {@code channels} planes of {@code
   * plane} elements: row-major ({@code block} 0, elements of a row 1 apart) or channel-blocked
   * ({@code nChw<block>c}, elements of a row {@code block} apart).
   */
  static int planeStart(int n, int c, int channels, int plane, int block) {
    if (block == 0) {
      return (n * channels + c) * plane;
    }
    return (n * (channels / block) + c / block) * plane * block + c % block;
  }

  /** The heap arrays of one call: a block's tiles as one array per tile element. */
  private static final class Scratch {
    final float[][] a;
    final float[][] b;
    final float[][] c;
    /** One padded input row. */
    final float[] inRow;
    /** 0 while every gathered value is finite, NaN after. */
    final float[] check;
    /** The m phases of a padded input row. */
    final float[][] phase;
    final float[] line;
    final float[] prev;
    /** Channel-blocked data: channels staged at once, and their rows ({@link #planInput}). */
    int inGroup;
    int inRows;
    float[] inStage;
    /** The block's images: the first, how many, and each one's input rows and stage row. */
    int firstImage;
    int images;
    int[] rowLo;
    int[] rowHi;
    int[] rowAt;
    /** Channel-blocked output: channels staged before they are moved out, and their rows. */
    int outGroup;
    int outRows;
    float[] outStage;
    /** One row of a channel group, interleaved. */
    float[] tmp = new float[0];

    Scratch(Variant v, int tiles, int stripWidth, int tilesX) {
      a = TileMath.rows(v.points(), tiles);
      b = TileMath.rows(v.points(), tiles);
      c = TileMath.rows(v.points(), tiles);
      inRow = new float[stripWidth];
      check = new float[stripWidth];
      phase = TileMath.rows(v.m, tilesX + 1);
      line = new float[tilesX * v.m];
      prev = new float[tilesX * v.m];
    }

    /** Stages of {@code group} channels of up to {@code rows} input rows of {@code w}. */
    void stageInput(int group, int rows, int w, int num) {
      inGroup = group;
      inRows = rows;
      inStage = new float[group * rows * w];
      rowLo = new int[num];
      rowHi = new int[num];
      rowAt = new int[num];
      tmp = new float[Math.max(tmp.length, group * w)];
    }

    /** Stages of {@code group} channels of up to {@code rows} output rows of {@code ow}. */
    void stageOutput(int group, int rows, int ow) {
      outGroup = group;
      outRows = rows;
      outStage = new float[group * rows * ow];
      tmp = new float[Math.max(tmp.length, group * ow)];
    }

    /**
     * The input rows tile rows {@code row0 .. row0 + rows - 1} read, per image (a contiguous
     * range each, within the data's {@code h} rows), and where each image's start in the stage.
     */
    void planInput(int row0, int rows, int tilesY, int m, int padY, int alpha, int h) {
      firstImage = row0 / tilesY;
      int last = (row0 + rows - 1) / tilesY;
      images = last - firstImage + 1;
      int at = 0;
      for (int i = 0; i < images; i++) {
        int n = firstImage + i;
        int tyLo = n == firstImage ? row0 % tilesY : 0;
        int tyHi = n == last ? (row0 + rows - 1) % tilesY : tilesY - 1;
        rowLo[i] = Math.max(0, tyLo * m - padY);
        rowHi[i] = Math.max(rowLo[i], Math.min(h, tyHi * m - padY + alpha));
        rowAt[i] = at;
        at += rowHi[i] - rowLo[i];
      }
      if (at > inRows) {
        throw new IllegalStateException("staged input rows " + at + " exceed " + inRows);
      }
    }
  }
}
