package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _hypot} (alias _Hypot): {@code sqrt(lhs^2 + rhs^2)}; gradients {@code dy lhs / y},
 * {@code dy rhs / y}. Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseHypot extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseHypot OP = new ElemwiseHypot();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseHypot() {
    super("_hypot", List.of("_Hypot"), BinaryFn.HYPOT);
  }
}
