package org.kindling.tensor.op;

import java.nio.ByteBuffer;
import java.util.random.RandomGenerator;

/**
 * What a kernel gets besides its tensors, as MXNet's {@code OpContext}: whether this is a
 * training pass, the scratch space it asked for ({@link Kernel#workspaceBytes()}), and a random
 * generator for operators that need one.
 *
 * <p>The workspace is direct, native-order, position 0, at least as large as requested, and its
 * contents are undefined on entry; it is shared with other kernels of the same executor, so a
 * kernel must not keep anything in it between calls. The generator is seeded by the caller in
 * program order (not by thread timing), so results for a seed are reproducible.
 *
 * @param isTrain true for a training pass (Dropout masks, BatchNorm batch statistics)
 * @param workspace the scratch space, or an empty buffer when none was requested
 * @param random the random generator of this call
 */
public record OpContext(boolean isTrain, ByteBuffer workspace, RandomGenerator random) {
  private static final ByteBuffer NO_WORKSPACE = ByteBuffer.allocateDirect(0);

  /** A context without workspace whose generator is seeded with {@code seed}. */
  public static OpContext of(boolean isTrain, long seed) {
    return new OpContext(isTrain, NO_WORKSPACE, Randoms.generator(seed));
  }
}
