package org.kindling.tensor.op.random;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.DTypeEnum;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.TypeSlots;

/**
 * {@code _npi_bernoulli}: Bernoulli samples (1 with probability p, else 0), the operator behind
 * {@code mx.npx.random.bernoulli}; MXNet 1.9.1 has no Bernoulli sampler among its legacy
 * {@code mx.nd.random} operators. The probability is a scalar {@code prob}, a scalar
 * {@code logit} (p = sigmoid(logit)), or, when both are None, the input {@code input1} holding
 * probabilities (or logits with {@code is_logit=True}) broadcast to the output. As MXNet, a draw
 * is {@code p > u} for {@code u} uniform on {@code [0, 1)}, or {@code logit > log(u) - log(1-u)};
 * probabilities outside {@code [0, 1]} are an error. Output shape {@code size}, else the input's,
 * else {@code ()}; type {@code dtype} (default float32). The gradient is zero.
 *
 * <p>Reference: only deterministic configurations (probabilities 0 or 1, logits of plus or
 * minus infinity) have one, and the samples use only those; the distribution is checked by
 * {@code RandomOpsTest}.
 */
@AutoService(OpDef.class)
public final class NpiBernoulli extends OpDef<NpiBernoulli.Params> {
  /** The {@code dtype} values of {@code _npi_bernoulli}. */
  public enum OutType implements DTypeEnum {
    UINT8,
    INT32,
    FLOAT32,
    FLOAT64,
    FLOAT16,
    BOOL
  }

  static final Param<String> PROB = RequiredValues.optionalFloat("prob");
  static final Param<String> LOGIT = RequiredValues.optionalFloat("logit");
  static final Param<int[]> SIZE = Param.tupleParam("size", new int[0]).optional();
  static final Param<String> CTX = Param.stringParam("ctx", "cpu");
  static final Param<OutType> DTYPE = Param.enumParam("dtype", OutType.class, OutType.FLOAT32);
  static final Param<String> IS_LOGIT = RequiredValues.bool("is_logit");

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final NpiBernoulli OP = new NpiBernoulli();

  /**
   * Parameters of {@code _npi_bernoulli}, in MXNet's order. {@code prob}, {@code logit} and
   * {@code is_logit} are required by MXNet (the first two may be None), so they are kept as
   * their attribute strings; {@link #probValue()} and friends decode them.
   *
   * @param prob {@code prob}: a probability in [0, 1], or {@code None}
   * @param logit {@code logit}: a logit, or {@code None}
   * @param size {@code size}: the output shape, or null (None)
   * @param ctx {@code ctx}: the device of an imperative call (ignored)
   * @param dtype {@code dtype}: the output type
   * @param isLogit {@code is_logit}: the input holds logits, not probabilities
   */
  public record Params(String prob, String logit, int[] size, String ctx, OutType dtype,
      String isLogit) {
    /** Checks the values and keeps canonical strings. */
    public Params {
      prob = RequiredValues.requireOptionalFloat("prob", prob);
      logit = RequiredValues.requireOptionalFloat("logit", logit);
      isLogit = RequiredValues.requireBool("is_logit", isLogit);
      size = size == null ? null : size.clone();
      DTYPE.validate(dtype);
      Float p = RequiredValues.optionalFloat("prob", prob);
      if (p != null && RequiredValues.optionalFloat("logit", logit) != null) {
        throw new IllegalArgumentException("either prob or logit may be given, not both");
      }
      if (p != null && !(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("expect probs >= 0 && probs <= 1, got prob=" + prob);
      }
    }

    /** {@code size} samples with probability {@code p}. */
    public static Params prob(float p, int... size) {
      return new Params(AttrSyntax.formatFloat(p), "None", size, "cpu", OutType.FLOAT32,
          "False");
    }

    /** {@code size} samples with probability {@code sigmoid(logit)}. */
    public static Params logit(float logit, int... size) {
      return new Params("None", AttrSyntax.formatFloat(logit), size, "cpu", OutType.FLOAT32,
          "False");
    }

    /** Probabilities (or logits) from the input, output shaped as the input. */
    public static Params fromInput(boolean isLogit) {
      return new Params("None", "None", null, "cpu", OutType.FLOAT32,
          AttrSyntax.formatBool(isLogit));
    }

    /** A copy with {@code size} set (null for None). */
    public Params withSize(int... v) {
      return new Params(prob, logit, v, ctx, dtype, isLogit);
    }

    /** A copy with {@code dtype} set. */
    public Params withDtype(OutType v) {
      return new Params(prob, logit, size, ctx, v, isLogit);
    }

    /** The decoded {@code prob}, null for None. */
    public Float probValue() {
      return RequiredValues.optionalFloat("prob", prob);
    }

    /** The decoded {@code logit}, null for None. */
    public Float logitValue() {
      return RequiredValues.optionalFloat("logit", logit);
    }

    /** The decoded {@code is_logit}. */
    public boolean isLogitValue() {
      return AttrSyntax.parseBool(isLogit);
    }

    /** True when the probabilities come from the input. */
    public boolean hasInput() {
      return probValue() == null && logitValue() == null;
    }

    @Override
    public int[] size() {
      return size == null ? null : size.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && prob.equals(q.prob) && logit.equals(q.logit)
          && Arrays.equals(size, q.size) && ctx.equals(q.ctx) && dtype == q.dtype
          && isLogit.equals(q.isLogit);
    }

    @Override
    public int hashCode() {
      return (prob.hashCode() * 31 + logit.hashCode()) * 31 + Arrays.hashCode(size);
    }

    @Override
    public String toString() {
      return "(prob=" + prob + ", logit=" + logit + ", size="
          + (size == null ? "None" : AttrSyntax.formatTuple(size)) + ", dtype="
          + dtype.mxName() + ", is_logit=" + isLogit + ")";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public NpiBernoulli() {
    super("_npi_bernoulli", List.of(), Params.class,
        List.of(PROB, LOGIT, SIZE, CTX, DTYPE, IS_LOGIT));
  }

  @Override
  public List<String> inputNames(Params p) {
    return p.hasInput() ? List.of("input1") : List.of();
  }

  /** Input strides for each output axis (0 where the input is broadcast), numpy-aligned. */
  private static int[] broadcastStrides(Shape in, Shape out) {
    int n = out.ndim();
    if (in.ndim() > n) {
      throw new IllegalArgumentException("input of shape " + in + " cannot be broadcast to "
          + out);
    }
    int[] st = new int[n];
    int s = 1;
    for (int i = in.ndim() - 1, o = n - 1; i >= 0; i--, o--) {
      int d = in.get(i);
      if (d != out.get(o) && d != 1) {
        throw new IllegalArgumentException("input of shape " + in + " cannot be broadcast to "
            + out);
      }
      st[o] = d == 1 ? 0 : s;
      s *= d;
    }
    return st;
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    if (p.size != null) {
      Shape out = Shape.of(p.size);
      if (p.hasInput() && s.in(0) != null) {
        broadcastStrides(s.in(0), out);
      }
      s.assignOut(0, out);
    } else if (!p.hasInput()) {
      s.assignOut(0, Shape.scalar());
    } else if (s.in(0) != null) {
      s.assignOut(0, s.in(0));
    }
  }

  /** The output type is {@code dtype}; the input keeps its own. */
  @Override
  public void inferType(Params p, TypeSlots t) {
    t.assignOut(0, p.dtype().dtype());
  }

  @Override
  public Gradient gradient(Params p) {
    return Gradient.ZERO;
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> new Cpu(p, sig.outShapes()[0],
        p.hasInput() ? broadcastStrides(sig.in(0), sig.out(0)) : null)));
  }

  /** {@code log(u) - log(1 - u)}, in float as MXNet's {@code prob_to_logit}. */
  private static float logitOf(float u) {
    return (float) Math.log(u) - (float) Math.log(1f - u);
  }

  private record Cpu(Params p, Shape out, int[] inStrides) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] outs) {
      RandomGenerator r = ctx.random();
      TensorView y = outs[0];
      int n = y.size();
      boolean logit = p.isLogitValue();
      TensorView x = in.length > 0 ? in[0] : null;
      if (x != null && !logit) {
        for (int i = 0; i < x.size(); i++) {
          double v = x.getDouble(i);
          if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("_npi_bernoulli: expect probs >= 0 && probs <= 1,"
                + " got " + v + " at input element " + i);
          }
        }
      }
      Float prob = p.probValue();
      Float lg = p.logitValue();
      FloatBuffer f = y.dtype() == DType.FLOAT32 ? y.floats() : null;
      int[] dims = out.dims();
      for (int i = 0; i < n; i++) {
        float u = r.nextFloat();
        boolean one;
        if (prob != null) {
          one = prob > u;
        } else if (lg != null) {
          one = lg > logitOf(u);
        } else {
          int src = 0;
          for (int a = dims.length - 1, rest = i; a >= 0; a--) {
            src += rest % dims[a] * inStrides[a];
            rest /= dims[a];
          }
          float v = (float) x.getDouble(src);
          one = v > (logit ? logitOf(u) : u);
        }
        if (f != null) {
          f.put(i, one ? 1f : 0f);
        } else {
          y.setDouble(i, one ? 1 : 0);
        }
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      if (a.in().length > 0 && a.wants(0) && !a.adds(0)) {
        TensorView g = a.inGrad()[0];
        for (int i = 0; i < g.size(); i++) {
          g.setDouble(i, 0);
        }
      }
    }
  }

  /** The draw when it cannot be random: probability 0 or 1, logit of minus or plus infinity. */
  private static double certain(double v, boolean logit) {
    if (logit ? v >= 104 : v >= 1) { // sigmoid(104) is 1 in float
      return 1;
    }
    if (logit ? v <= -104 : v <= 0) { // sigmoid(-104) underflows to 0 in float
      return 0;
    }
    throw new UnsupportedOperationException("_npi_bernoulli with " + (logit ? "logit " : "p = ")
        + v + " is random: no reference (see RandomOpsTest for its statistical checks)");
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    Shape out = p.size != null ? Shape.of(p.size) : p.hasInput() ? inShapes[0] : Shape.scalar();
    double[] y = new double[out.intSize()];
    if (!p.hasInput()) {
      Float prob = p.probValue();
      Arrays.fill(y, prob != null ? certain(prob, false) : certain(p.logitValue(), true));
      return new double[][] {y};
    }
    int[] od = out.dims();
    int[] id = inShapes[0].dims();
    for (int o = 0; o < y.length; o++) {
      // numpy broadcasting: align the trailing axes, read index 0 along axes of extent 1
      int src = 0;
      int rest = o;
      int stride = 1;
      for (int a = od.length - 1, b = id.length - 1; a >= 0; a--, b--) {
        int c = rest % od[a];
        rest /= od[a];
        if (b >= 0) {
          src += (id[b] == 1 ? 0 : c) * stride;
          stride *= id[b];
        }
      }
      y[o] = certain(in[0][src], p.isLogitValue());
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.prob(1f, 2, 3)),
        Sample.of(Params.prob(0f, 4).withDtype(OutType.INT32)),
        // MXNet's parser takes no "inf"; a logit of +-1e30 is certain in float all the same
        Sample.of(Params.logit(1e30f, 2, 2).withDtype(OutType.UINT8)),
        Sample.of(Params.logit(-1e30f).withSize((int[]) null)),
        Sample.of(Params.fromInput(false), Shape.of(3, 4)).domain(0, Domain.index(2)),
        Sample.of(Params.fromInput(false).withSize(3, 4).withDtype(OutType.BOOL), Shape.of(1, 4))
            .domain(0, Domain.index(2)).type(0, DType.INT32));
  }
}
