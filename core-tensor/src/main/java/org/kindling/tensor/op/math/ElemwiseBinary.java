package org.kindling.tensor.op.math;

import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.Sample;

/**
 * The equal-shape binary family: {@code lhs (op) rhs} for two inputs of one shape, no
 * broadcasting (MXNet's {@code MXNET_OPERATOR_REGISTER_BINARY}: {@code ElemwiseShape<2, 1>},
 * {@code ElemwiseType<2, 1>}, in-place options {0,0} and {1,0}). Shapes are inferred in every
 * direction. Inputs {@code lhs}, {@code rhs}; output {@code output}, same shape and type.
 * Comparisons and logical operators give 1/0 in the inputs' type and pass zero gradients. The
 * element functions and their gradients are {@link BinaryFn}'s.
 */
final class ElemwiseBinary extends BinaryMath {
  /** The family: MXNet's name, its aliases, the element function (and samples where needed). */
  static final List<ElemwiseBinary> ALL = List.of(
      new ElemwiseBinary("elemwise_add",
          List.of("_sparse_elemwise_add", "_add", "_plus", "_Plus"), BinaryFn.PLUS),
      new ElemwiseBinary("elemwise_sub",
          List.of("_sparse_elemwise_sub", "_sub", "_minus", "_Minus"), BinaryFn.MINUS),
      new ElemwiseBinary("elemwise_mul",
          List.of("_sparse_elemwise_mul", "_mul", "_Mul"), BinaryFn.MUL),
      new ElemwiseBinary("elemwise_div", List.of("_sparse_elemwise_div", "_div", "_Div"),
          BinaryFn.DIV, List.of(
              Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)).domain(1, Domain.POSITIVE),
              Sample.of(NoParams.NONE, Shape.of(2, 5), Shape.of(2, 5))
                  .domain(1, Domain.range(-3, -0.5)),
              Sample.of(NoParams.NONE, Shape.of(5000), Shape.of(5000))
                  .domain(1, Domain.POSITIVE))),
      new ElemwiseBinary("_mod", List.of("_Mod"), BinaryFn.MOD, List.of(
          Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4))
              .domain(1, Domain.range(0.5, 3)),
          Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4))
              .domain(1, Domain.range(-3, -0.5)),
          Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)).noGradientCheck())),
      new ElemwiseBinary("_power", List.of("_Power"), BinaryFn.POWER, List.of(
          Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)).domain(0, Domain.POSITIVE),
          Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)).noGradientCheck())),
      new ElemwiseBinary("_maximum", List.of("_Maximum"), BinaryFn.MAXIMUM),
      new ElemwiseBinary("_minimum", List.of("_Minimum"), BinaryFn.MINIMUM),
      new ElemwiseBinary("_hypot", List.of("_Hypot"), BinaryFn.HYPOT),
      new ElemwiseBinary("_equal", List.of("_Equal"), BinaryFn.EQUAL),
      new ElemwiseBinary("_not_equal", List.of("_Not_Equal"), BinaryFn.NOT_EQUAL),
      new ElemwiseBinary("_greater", List.of("_Greater"), BinaryFn.GREATER),
      new ElemwiseBinary("_greater_equal", List.of("_Greater_Equal"), BinaryFn.GREATER_EQUAL),
      new ElemwiseBinary("_lesser", List.of("_Lesser"), BinaryFn.LESSER),
      new ElemwiseBinary("_lesser_equal", List.of("_Lesser_Equal"), BinaryFn.LESSER_EQUAL),
      new ElemwiseBinary("_logical_and", List.of("_Logical_And"), BinaryFn.LOGICAL_AND),
      new ElemwiseBinary("_logical_or", List.of("_Logical_Or"), BinaryFn.LOGICAL_OR),
      new ElemwiseBinary("_logical_xor", List.of("_Logical_Xor"), BinaryFn.LOGICAL_XOR));

  private final List<Sample<NoParams>> samples;

  private ElemwiseBinary(String name, List<String> aliases, BinaryFn fn) {
    this(name, aliases, fn, defaultSamples(fn));
  }

  private ElemwiseBinary(String name, List<String> aliases, BinaryFn fn,
      List<Sample<NoParams>> samples) {
    super(name, aliases, fn);
    this.samples = samples;
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples;
  }

  /** Two (3, 4) inputs and a long vector pair; comparisons draw small integers so ties occur. */
  private static List<Sample<NoParams>> defaultSamples(BinaryFn fn) {
    if (fn.logic()) {
      return List.of(Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4))
              .domain(0, Domain.index(3)).domain(1, Domain.index(3)),
          Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)));
    }
    return List.of(Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)),
        Sample.of(NoParams.NONE, Shape.of(5000), Shape.of(5000)));
  }
}
