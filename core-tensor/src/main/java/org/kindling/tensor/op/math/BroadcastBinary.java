package org.kindling.tensor.op.math;

import java.util.ArrayList;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.Broadcast;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;

/**
 * The {@code broadcast_*} family (MXNet's {@code MXNET_OPERATOR_REGISTER_BINARY_BROADCAST}):
 * {@code lhs (op) rhs} with NumPy broadcasting ({@code BinaryBroadcastShape}: the shorter shape is
 * padded with leading 1s; per axis the extents must be equal or one of them 1). Inputs
 * {@code lhs}, {@code rhs}; output {@code output} of the broadcast shape and the inputs' common
 * type. The gradient of a broadcast operand is summed over the axes it was broadcast along.
 * Shapes are inferred forward only, once both inputs are known, as MXNet does. MXNet's in-place
 * options {0,0} and {1,0} are declared; they apply when an input has the output's size. The
 * element functions and their gradients are {@link BinaryFn}'s.
 */
final class BroadcastBinary extends BinaryMath {
  /**
   * The family: MXNet's name, its aliases, the element function and, where the function needs
   * them, the domains of the operands' sample values.
   */
  static final List<BroadcastBinary> ALL = List.of(
      new BroadcastBinary("broadcast_add",
          List.of("_sparse_broadcast_add", "_sparse_broadcast_plus", "broadcast_plus"),
          BinaryFn.PLUS),
      new BroadcastBinary("broadcast_sub",
          List.of("_sparse_broadcast_sub", "_sparse_broadcast_minus", "broadcast_minus"),
          BinaryFn.MINUS),
      new BroadcastBinary("broadcast_mul", List.of("_sparse_broadcast_mul"), BinaryFn.MUL),
      new BroadcastBinary("broadcast_div", List.of("_sparse_broadcast_div"), BinaryFn.DIV,
          Domain.ANY, Domain.POSITIVE),
      new BroadcastBinary("broadcast_mod", List.of(), BinaryFn.MOD,
          Domain.ANY, Domain.range(-3, -0.5)),
      new BroadcastBinary("broadcast_power", List.of(), BinaryFn.POWER,
          Domain.POSITIVE, Domain.ANY),
      new BroadcastBinary("broadcast_maximum", List.of("_npi_maximum"), BinaryFn.MAXIMUM),
      new BroadcastBinary("broadcast_minimum", List.of("_npi_minimum"), BinaryFn.MINIMUM),
      new BroadcastBinary("broadcast_hypot", List.of(), BinaryFn.HYPOT),
      new BroadcastBinary("broadcast_equal", List.of(), BinaryFn.EQUAL),
      new BroadcastBinary("broadcast_not_equal", List.of(), BinaryFn.NOT_EQUAL),
      new BroadcastBinary("broadcast_greater", List.of(), BinaryFn.GREATER),
      new BroadcastBinary("broadcast_greater_equal", List.of(), BinaryFn.GREATER_EQUAL),
      new BroadcastBinary("broadcast_lesser", List.of(), BinaryFn.LESSER),
      new BroadcastBinary("broadcast_lesser_equal", List.of(), BinaryFn.LESSER_EQUAL),
      new BroadcastBinary("broadcast_logical_and", List.of(), BinaryFn.LOGICAL_AND),
      new BroadcastBinary("broadcast_logical_or", List.of(), BinaryFn.LOGICAL_OR),
      new BroadcastBinary("broadcast_logical_xor", List.of(), BinaryFn.LOGICAL_XOR));

  private final Domain lhs;
  private final Domain rhs;

  /** Samples from {@link Domain#ANY}, or small integers (equal elements occur) for logic. */
  private BroadcastBinary(String name, List<String> aliases, BinaryFn fn) {
    this(name, aliases, fn, fn.logic() ? Domain.index(3) : Domain.ANY,
        fn.logic() ? Domain.index(3) : Domain.ANY);
  }

  private BroadcastBinary(String name, List<String> aliases, BinaryFn fn, Domain lhs,
      Domain rhs) {
    super(name, aliases, fn);
    this.lhs = lhs;
    this.rhs = rhs;
  }

  /**
   * @throws IllegalArgumentException if the input shapes do not broadcast together
   */
  @Override
  public void inferShape(NoParams p, ShapeSlots s) {
    if (s.in(0) == null || s.in(1) == null) {
      return;
    }
    s.assignOut(0, Broadcast.shape(s.in(0), s.in(1)));
  }

  /**
   * Shape pairs covering one- and two-sided broadcasting, rank padding, an operand repeated
   * every row on either side (the kernel's tiled path), equal shapes, a one-element operand and
   * rows longer than a kernel chunk, with inputs drawn from the row's domains.
   */
  @Override
  public List<Sample<NoParams>> samples() {
    Shape[][] pairs = {
      {Shape.of(2, 3, 4), Shape.of(1, 3, 1)},
      {Shape.of(3, 1), Shape.of(1, 4)},
      {Shape.of(4), Shape.of(2, 3, 4)},
      {Shape.of(2, 3, 4), Shape.of(3, 4)},
      {Shape.of(2, 1, 3), Shape.of(2, 4, 1)},
      {Shape.of(2, 3), Shape.of(2, 3)},
      {Shape.of(1), Shape.of(3, 2)},
      {Shape.of(2, 4500), Shape.of(2, 1)},
    };
    List<Sample<NoParams>> out = new ArrayList<>();
    for (Shape[] pair : pairs) {
      Sample<NoParams> s = Sample.of(NoParams.NONE, pair[0], pair[1]).domain(0, lhs)
          .domain(1, rhs);
      // central differences over 9000 elements are too slow; BroadcastKernelTest covers the
      // backward pass of long rows
      out.add(pair[0].size() > 1000 ? s.noGradientCheck() : s);
    }
    return out;
  }
}
