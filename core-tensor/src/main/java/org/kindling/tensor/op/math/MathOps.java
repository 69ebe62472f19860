package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.ArrayList;
import java.util.List;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpFamily;
import org.kindling.tensor.op.OpRegistry;

/**
 * The table-defined math families, registered as one service: the unary functions
 * ({@link UnaryMath}, one per row of {@code UnaryFn}), the equal-shape and broadcasting binary
 * operators ({@link ElemwiseBinary}, {@link BroadcastBinary}) and the {@code _*_scalar} operators
 * ({@link ScalarBinary}). Typed handles are declared here for the members that code calls
 * directly; every member is found by name through {@link OpRegistry}.
 */
@AutoService(OpFamily.class)
public final class MathOps implements OpFamily {
  /** {@code elemwise_add}: {@code lhs + rhs} for two inputs of one shape. */
  public static final OpDef<NoParams> ELEMWISE_ADD = named(ElemwiseBinary.ALL, "elemwise_add");

  /** {@code elemwise_sub}: {@code lhs - rhs} for two inputs of one shape. */
  public static final OpDef<NoParams> ELEMWISE_SUB = named(ElemwiseBinary.ALL, "elemwise_sub");

  /** {@code elemwise_mul}: {@code lhs * rhs} for two inputs of one shape. */
  public static final OpDef<NoParams> ELEMWISE_MUL = named(ElemwiseBinary.ALL, "elemwise_mul");

  /** {@code elemwise_div}: {@code lhs / rhs} for two inputs of one shape. */
  public static final OpDef<NoParams> ELEMWISE_DIV = named(ElemwiseBinary.ALL, "elemwise_div");

  /** {@code _plus_scalar}: {@code data + scalar}. */
  public static final OpDef<ScalarParams> PLUS_SCALAR = named(ScalarBinary.ALL, "_plus_scalar");

  /** {@code _mul_scalar}: {@code data * scalar}. */
  public static final OpDef<ScalarParams> MUL_SCALAR = named(ScalarBinary.ALL, "_mul_scalar");

  /** {@code relu}: {@code max(x, 0)}, NaN kept. */
  public static final OpDef<NoParams> RELU = named(UnaryMath.ALL, "relu");

  /** {@code square}: {@code x²}. */
  public static final OpDef<NoParams> SQUARE = named(UnaryMath.ALL, "square");

  /** {@code sqrt}: {@code √x}. */
  public static final OpDef<NoParams> SQRT = named(UnaryMath.ALL, "sqrt");

  /** For the service loader. */
  public MathOps() {}

  @Override
  public List<OpDef<?>> members() {
    List<OpDef<?>> all = new ArrayList<>(UnaryMath.ALL);
    all.addAll(ElemwiseBinary.ALL);
    all.addAll(BroadcastBinary.ALL);
    all.addAll(ScalarBinary.ALL);
    return all;
  }

  private static <T extends OpDef<?>> T named(List<T> family, String name) {
    return family.stream().filter(op -> op.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no math operator " + name));
  }
}
