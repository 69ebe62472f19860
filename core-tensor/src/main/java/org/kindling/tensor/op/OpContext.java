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
 * @param inputVersions per input, a stamp of its contents ({@link
 *     org.kindling.tensor.engine.Var#version()}: equal stamps, equal contents), or null when the
 *     caller does not track them; a kernel may then reuse what it derived from an input (oneDNN's
 *     reordered weights) while the input's stamp and storage stay the same
 */
public record OpContext(boolean isTrain, ByteBuffer workspace, RandomGenerator random,
    long[] inputVersions) {
  private static final ByteBuffer NO_WORKSPACE = ByteBuffer.allocateDirect(0);

  /** A context whose inputs' versions are not tracked. */
  public OpContext(boolean isTrain, ByteBuffer workspace, RandomGenerator random) {
    this(isTrain, workspace, random, null);
  }

  /** A stamp of input {@code i}'s contents, or -1 if not tracked ({@link #inputVersions}). */
  public long inputVersion(int i) {
    return inputVersions == null ? -1 : inputVersions[i];
  }

  /** This context with the inputs' stamps {@code versions}. */
  public OpContext withInputVersions(long[] versions) {
    return new OpContext(isTrain, workspace, random, versions);
  }

  /** A context without workspace whose generator is seeded with {@code seed}. */
  public static OpContext of(boolean isTrain, long seed) {
    return new OpContext(isTrain, NO_WORKSPACE, Randoms.generator(seed));
  }
}
