package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code broadcast_div} (alias _sparse_broadcast_div): {@code lhs / rhs} (IEEE division). With
 * NumPy broadcasting (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastDiv extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastDiv OP = new BroadcastDiv();

  /** For the service loader; use {@link #OP}. */
  public BroadcastDiv() {
    super("broadcast_div", List.of("_sparse_broadcast_div"), BinaryFn.DIV);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return BroadcastBinary.samples(Domain.ANY, Domain.POSITIVE);
  }
}
