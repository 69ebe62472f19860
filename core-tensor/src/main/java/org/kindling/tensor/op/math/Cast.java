package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.kindling.tensor.DType;
import org.kindling.tensor.Elements;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.DTypeEnum;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.TypeSlots;

/**
 * {@code Cast} (aliases cast, _npi_cast, _npx_cast): converts every element of {@code data} to
 * {@code dtype}; output of the input's shape. Conversions are C casts ({@link Elements#set}:
 * floats round to nearest even, integers wrap, bool is {@code x != 0} so NaN is true), except
 * from floating point to integers, where C leaves NaN and out-of-range values undefined and
 * Kindling does what MXNet 1.9.1 does on x86-64 (checked against libmxnet): the value is
 * truncated toward zero into an int32 (an int64 for int64), NaN and values outside that range
 * give its minimum ({@code -2^31}, {@code -2^63}), and int8/uint8 take the low byte of the int32,
 * so {@code cast([300, -3, 1e10, NaN], uint8) = [44, 253, 0, 0]}; and bfloat16 keeps the high
 * 16 bits of the float (mshadow truncates; it does not round). The gradient is the output
 * gradient cast back to the input's type ({@code _backward_cast}). Any input type; the output
 * types are those 1.9's {@code MXNET_ADD_ALL_TYPES_WITH_BOOL} lists.
 *
 * <p>MXNet declares {@code FInplaceIdentity}; Kindling does not, since the identity holds only
 * when the types are equal and an operator's declarations cannot depend on its input type. The
 * in-place option {0,0} stands: the kernel converts in an order that is safe on shared memory.
 */
@AutoService(OpDef.class)
public final class Cast extends OpDef<Cast.Params> {
  /** The {@code dtype} values of MXNet 1.9's Cast. */
  public enum CastType implements DTypeEnum {
    FLOAT32,
    FLOAT64,
    FLOAT16,
    BFLOAT16,
    UINT8,
    INT8,
    INT32,
    INT64,
    BOOL
  }

  static final Param<CastType> DTYPE = Param.requiredEnum("dtype", CastType.class);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Cast OP = new Cast();

  /**
   * Parameters of {@code Cast}.
   *
   * @param dtype {@code dtype}, the output type (required)
   */
  public record Params(CastType dtype) {
    /** Checks the type is set. */
    public Params {
      DTYPE.validate(dtype);
    }

    /**
     * A cast to {@code type}.
     *
     * @throws IllegalArgumentException for a type Cast does not produce (int16, uint16, uint32,
     *     uint64)
     */
    public static Params of(DType type) {
      for (CastType t : CastType.values()) {
        if (t.dtype() == type) {
          return new Params(t);
        }
      }
      throw new IllegalArgumentException("Cast cannot produce " + type.numpyName()
          + " (MXNet 1.9 casts to float32, float64, float16, bfloat16, uint8, int8, int32,"
          + " int64 and bool)");
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Cast() {
    super("Cast", List.of("cast", "_npi_cast", "_npx_cast"), Params.class, List.of(DTYPE));
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("data");
  }


  /** The output is {@code dtype}; the input's type is not inferred from it (CastType). */
  @Override
  public void inferType(Params p, TypeSlots t) {
    t.assignOut(0, p.dtype().dtype());
  }

  @Override
  public List<int[]> inplaceOptions(Params p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public BackwardDeps backwardDeps(Params p) {
    return BackwardDeps.gradientsOnly();
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> KERNEL));
  }

  private static final Kernel KERNEL = new Kernel() {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      convert(in[0], out[0], false);
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      if (a.wants(0)) {
        convert(a.outGrad()[0], a.inGrad()[0], a.adds(0));
      }
    }
  };

  /**
   * Converts {@code from} into {@code to} element by element (or adds the converted values). The
   * same type is a byte copy. Otherwise elements are visited upward when the output's elements
   * are no wider than the input's and downward when wider, so that on one shared buffer every
   * element is read before its bytes are overwritten.
   */
  static void convert(TensorView from, TensorView to, boolean add) {
    int n = from.size();
    DType src = from.dtype();
    DType dst = to.dtype();
    if (src == dst && !add) {
      to.data().put(0, from.data(), 0, n * src.byteSize());
      return;
    }
    ByteBuffer a = from.data().duplicate().order(ByteOrder.nativeOrder());
    ByteBuffer b = to.data().duplicate().order(ByteOrder.nativeOrder());
    if (src == DType.FLOAT32 && dst == DType.FLOAT32) { // add onto a float32 gradient
      for (int i = 0; i < n; i++) {
        b.putFloat(i * 4, b.getFloat(i * 4) + a.getFloat(i * 4));
      }
      return;
    }
    boolean fromFloat = isFloat(src);
    boolean downward = dst.byteSize() > src.byteSize();
    for (int k = 0; k < n; k++) {
      int i = downward ? n - 1 - k : k;
      double v = Elements.get(a, src, i);
      if (add) {
        // out += tcast<Dst>(data) (kAddTo): cast first, in the slot itself, then add
        double old = Elements.get(b, dst, i);
        set(b, dst, i, v, fromFloat);
        Elements.set(b, dst, i, old + Elements.get(b, dst, i));
      } else {
        set(b, dst, i, v, fromFloat);
      }
    }
  }

  private static boolean isFloat(DType t) {
    return t == DType.FLOAT32 || t == DType.FLOAT64 || t == DType.FLOAT16
        || t == DType.BFLOAT16;
  }

  /**
   * Stores {@code v} as element {@code i} of type {@code t}: {@link Elements#set}, except for a
   * floating-point value going to an integer type, which converts as x86-64's truncating
   * conversion (cvttss2si/cvttsd2si) does in MXNet's kernel, and for bfloat16, which mshadow
   * truncates to the float's high 16 bits where {@link Elements#set} rounds.
   */
  static void set(ByteBuffer b, DType t, int i, double v, boolean fromFloat) {
    if (t == DType.BFLOAT16) {
      // mshadow's bf16_t keeps the high half of the float: it truncates, no rounding
      b.putShort(i * 2, (short) (Float.floatToRawIntBits((float) v) >>> 16));
      return;
    }
    if (fromFloat) {
      switch (t) {
        case INT64 -> {
          boolean bad = Double.isNaN(v) || v >= 0x1p63 || v < -0x1p63;
          b.putLong(i * 8, bad ? Long.MIN_VALUE : (long) v);
          return;
        }
        case INT32, INT8, UINT8 -> {
          boolean bad = Double.isNaN(v) || v >= 0x1p31 || v < -0x1p31;
          int n = bad ? Integer.MIN_VALUE : (int) v;
          if (t == DType.INT32) {
            b.putInt(i * 4, n);
          } else {
            b.put(i, (byte) n);
          }
          return;
        }
        default -> { }
      }
    }
    Elements.set(b, t, i, v);
  }

  /**
   * Plain conversions through a C cast, one element at a time. To float32 and float64 the value
   * is kept exact (the float32 rounding is within the suites' tolerance, and a smooth reference
   * lets central differences check the gradient).
   */
  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    DType t = p.dtype().dtype();
    if (t == DType.FLOAT32 || t == DType.FLOAT64) {
      return new double[][] {in[0].clone()};
    }
    ByteBuffer one = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
    double[] y = new double[in[0].length];
    for (int i = 0; i < y.length; i++) {
      // the input's type is not known here: values are converted as floating point, which
      // agrees with an integer source's wrapping for every value within int32
      set(one, t, 0, in[0][i], true);
      y[i] = Elements.get(one, t, 0);
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(new Params(CastType.FLOAT64), Shape.of(3, 4)),
        Sample.of(new Params(CastType.FLOAT32), Shape.of(3, 4)),
        Sample.of(new Params(CastType.FLOAT16), Shape.of(3, 4)).noGradientCheck(),
        Sample.of(new Params(CastType.BFLOAT16), Shape.of(3, 4)).noGradientCheck(),
        Sample.of(new Params(CastType.INT32), Shape.of(3, 4)).domain(0, Domain.range(-50, 50))
            .noGradientCheck(),
        Sample.of(new Params(CastType.UINT8), Shape.of(3, 4)).domain(0, Domain.range(-300, 300))
            .noGradientCheck(),
        Sample.of(new Params(CastType.INT8), Shape.of(3, 4)).domain(0, Domain.range(-300, 300))
            .noGradientCheck(),
        Sample.of(new Params(CastType.INT64), Shape.of(2, 5)).domain(0, Domain.range(-1e6, 1e6))
            .noGradientCheck(),
        Sample.of(new Params(CastType.BOOL), Shape.of(3, 4)).domain(0, Domain.index(3))
            .noGradientCheck(),
        Sample.of(new Params(CastType.FLOAT32), Shape.of(3, 4)).type(0, DType.INT32)
            .domain(0, new Domain(-100, 100, true, false)),
        Sample.of(new Params(CastType.FLOAT16), Shape.of(2, 3)).type(0, DType.FLOAT64)
            .noGradientCheck());
  }
}
