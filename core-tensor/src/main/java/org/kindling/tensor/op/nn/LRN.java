package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.DataGradientKernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * {@code LRN}: local response normalization across channels, as MXNet 1.9.1.
 *
 * <p>For data {@code (N, C, H, W)}: {@code tmp_norm[n,c,h,w] = knorm + alpha/nsize ·
 * Σ_{|j-c| <= nsize/2} x[n,j,h,w]²} (the channel window clipped to {@code [0, C)}), and
 * {@code output = x · tmp_norm^-beta}. Outputs {@code output} (visible) and {@code tmp_norm}
 * (hidden, read by the backward pass). Backward: {@code dx = dy·tmp_norm^-beta - 2·beta·alpha/nsize
 * · x · Σ_window (dy·x·tmp_norm^(-beta-1))}. {@code nsize} must be odd.
 *
 * <p>MXNet's kernel takes 4-D float32 data only (its shape inference accepts any rank and the
 * kernel then fails); Kindling refuses other ranks at shape inference. MXNet's backward ignores
 * {@code grad_req='add'} (it overwrites); Kindling accumulates as requested.
 */
@AutoService(OpDef.class)
public final class LRN extends OpDef<LRN.Params> {
  static final Param<Float> ALPHA = Param.floatParam("alpha", 1e-4f);
  static final Param<Float> BETA = Param.floatParam("beta", 0.75f);
  static final Param<Float> KNORM = Param.floatParam("knorm", 2f);
  static final Param<Integer> NSIZE = Param.requiredInt("nsize").checked(v -> v >= 0, ">= 0");

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final LRN OP = new LRN();

  /** Float elements per chunk of a spatial plane. */
  private static final int CHUNK = 1024;

  /**
   * Parameters of {@code LRN}.
   *
   * @param alpha {@code alpha}, the variance scale (default 1e-4)
   * @param beta {@code beta}, the power (default 0.75)
   * @param knorm {@code knorm}, the constant k (default 2)
   * @param nsize {@code nsize}, the channel window width (odd)
   */
  public record Params(float alpha, float beta, float knorm, int nsize) {
    /** Checks {@code nsize}. */
    public Params {
      NSIZE.validate(nsize);
    }

    /** A window of {@code nsize} channels with the default constants. */
    public static Params of(int nsize) {
      return new Params(1e-4f, 0.75f, 2f, nsize);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public LRN() {
    super("LRN", Params.class, ALPHA, BETA, KNORM, NSIZE);
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("data");
  }

  @Override
  public List<String> outputNames(Params p) {
    return List.of("output", "tmp_norm");
  }

  @Override
  public int numVisibleOutputs(Params p) {
    return 1;
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    if (p.nsize() % 2 != 1) {
      throw new IllegalArgumentException("LRN: nsize " + p.nsize()
          + " is not supported; LRN only supports odd values for local_size");
    }
    if (d.ndim() != 4) {
      throw new IllegalArgumentException("LRN: data must be 4-D (batch, channel, height, width)"
          + ", got " + d);
    }
    s.assignOut(0, d);
    s.assignOut(1, d);
  }

  @Override
  public BackwardDeps backwardDeps(Params p) {
    return new BackwardDeps(true, Set.of(0), Set.of(1));
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) ->
        sig.allFloat32() ? new Cpu(p, sig.in(0)) : null));
  }

  /** The default kernel for float32 {@code data} of shape {@code (N, C, H, W)}. */
  public static DataGradientKernel defaultKernel(Params p, Shape data) {
    return new Cpu(p, data);
  }

  /**
   * Writes {@code tmp_norm = knorm + alpha/nsize · Σ_window x²} of float32 {@code x}, shape
   * {@code d = (N, C, H, W)}, into {@code norm} (same shape), as the default kernel's forward
   * pass does (same order of sums, so the same bits): for a kernel that computes the output
   * another way and still owes the hidden output.
   */
  public static void normalizers(Params p, Shape d, FloatBuffer x, FloatBuffer norm) {
    new Cpu(p, d).normalizers(x, norm, null);
  }

  /**
   * The default kernel. Channel windows are summed a chunk of the spatial plane at a time, so
   * every read is a contiguous run of one channel.
   */
  private static final class Cpu implements DataGradientKernel {
    private final float salpha;
    private final float beta;
    private final float knorm;
    private final int half;
    private final int num;
    private final int channels;
    private final int plane;

    Cpu(Params p, Shape d) {
      this.salpha = p.alpha() / p.nsize();
      this.beta = p.beta();
      this.knorm = p.knorm();
      this.half = p.nsize() / 2;
      this.num = d.get(0);
      this.channels = d.get(1);
      this.plane = d.get(2) * d.get(3);
    }

    @Override
    public long workspaceBytes() {
      return 4L * channels * plane; // dy·x·norm^(-beta-1) of one image, for the backward sums
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      normalizers(in[0].floats(), out[1].floats(), out[0].floats());
    }

    /**
     * Writes {@code tmp_norm} of {@code x} into {@code norm} and, unless {@code y} is null, the
     * output {@code x · tmp_norm^-beta} into {@code y}.
     */
    void normalizers(FloatBuffer x, FloatBuffer norm, FloatBuffer y) {
      int len = Math.min(CHUNK, plane);
      float[] acc = new float[len];
      float[] v = new float[len];
      for (int n = 0; n < num; n++) {
        for (int c = 0; c < channels; c++) {
          int lo = Math.max(c - half, 0);
          int hi = Math.min(c + half + 1, channels);
          int row = (n * channels + c) * plane;
          for (int start = 0; start < plane; start += CHUNK) {
            int m = Math.min(CHUNK, plane - start);
            Arrays.fill(acc, 0, m, 0f);
            for (int j = lo; j < hi; j++) {
              x.get((n * channels + j) * plane + start, v, 0, m);
              for (int i = 0; i < m; i++) {
                acc[i] += v[i] * v[i];
              }
            }
            for (int i = 0; i < m; i++) {
              acc[i] = acc[i] * salpha + knorm;
            }
            norm.put(row + start, acc, 0, m);
            if (y == null) {
              continue;
            }
            x.get(row + start, v, 0, m);
            for (int i = 0; i < m; i++) {
              v[i] = v[i] * (float) Math.pow(acc[i], -beta);
            }
            y.put(row + start, v, 0, m);
          }
        }
      }
    }

    @Override
    public void dataGradient(OpContext ctx, BackwardArgs a, FloatBuffer dy, FloatBuffer dx) {
      FloatBuffer x = a.in()[0].floats();
      FloatBuffer norm = a.out()[1].floats();
      boolean add = a.adds(0);
      FloatBuffer t = ctx.workspace().duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
      int len = Math.min(CHUNK, plane);
      float[] g = new float[len];
      float[] xv = new float[len];
      float[] nv = new float[len];
      float[] acc = new float[len];
      float scale = -2f * beta * salpha;
      for (int n = 0; n < num; n++) {
        int image = n * channels * plane;
        // t = dy · x · norm^(-beta-1) for the whole image
        for (int c = 0; c < channels; c++) {
          for (int start = 0; start < plane; start += CHUNK) {
            int m = Math.min(CHUNK, plane - start);
            int at = image + c * plane + start;
            dy.get(at, g, 0, m);
            x.get(at, xv, 0, m);
            norm.get(at, nv, 0, m);
            for (int i = 0; i < m; i++) {
              g[i] = g[i] * xv[i] * (float) Math.pow(nv[i], -beta - 1f);
            }
            t.put(c * plane + start, g, 0, m);
          }
        }
        for (int c = 0; c < channels; c++) {
          int lo = Math.max(c - half, 0);
          int hi = Math.min(c + half + 1, channels);
          for (int start = 0; start < plane; start += CHUNK) {
            int m = Math.min(CHUNK, plane - start);
            Arrays.fill(acc, 0, m, 0f);
            for (int j = lo; j < hi; j++) {
              t.get(j * plane + start, g, 0, m);
              for (int i = 0; i < m; i++) {
                acc[i] += g[i];
              }
            }
            int at = image + c * plane + start;
            dy.get(at, g, 0, m);
            x.get(at, xv, 0, m);
            norm.get(at, nv, 0, m);
            for (int i = 0; i < m; i++) {
              acc[i] = g[i] * (float) Math.pow(nv[i], -beta) + scale * acc[i] * xv[i];
            }
            if (add) {
              dx.get(at, g, 0, m);
              for (int i = 0; i < m; i++) {
                acc[i] += g[i];
              }
            }
            dx.put(at, acc, 0, m);
          }
        }
      }
    }
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    Shape d = inShapes[0];
    int num = d.get(0);
    int channels = d.get(1);
    int plane = d.get(2) * d.get(3);
    int half = p.nsize() / 2;
    double salpha = (double) p.alpha() / p.nsize();
    double[] x = in[0];
    double[] y = new double[x.length];
    double[] norm = new double[x.length];
    for (int n = 0; n < num; n++) {
      for (int c = 0; c < channels; c++) {
        for (int i = 0; i < plane; i++) {
          double sum = 0;
          for (int j = Math.max(c - half, 0); j < Math.min(c + half + 1, channels); j++) {
            double v = x[(n * channels + j) * plane + i];
            sum += v * v;
          }
          int at = (n * channels + c) * plane + i;
          norm[at] = p.knorm() + salpha * sum;
          y[at] = x[at] * Math.pow(norm[at], -p.beta());
        }
      }
    }
    return new double[][] {y, norm};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(3), Shape.of(2, 4, 3, 3)),
        // a window wider than the channels, and strong constants so the cross terms matter
        Sample.of(new Params(0.5f, 0.9f, 1f, 5), Shape.of(2, 3, 2, 3)),
        Sample.of(new Params(2f, 0.5f, 1.5f, 1), Shape.of(1, 3, 2, 2)));
  }
}
