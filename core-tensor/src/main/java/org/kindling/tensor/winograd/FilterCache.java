package org.kindling.tensor.winograd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.Pointer;
import org.kindling.tensor.storage.DirectBuffers;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * The transformed filters of one kernel, kept for as long as the weights do not change. A
 * kernel cannot know when its weights change (an optimizer updates them in place; imperative
 * calls pass other arrays), so each call compares the weight bytes with a copy of those the
 * cached transform was made from: one vectorized {@link ByteBuffer#mismatch} over {@code 9·K·C}
 * floats, against {@code ~64} multiply-adds per weight for a new transform.
 *
 * <p>Where the caller has a stamp of the weights ({@link
 * org.kindling.tensor.op.OpContext#inputVersion}, unique in the JVM and renewed by every write;
 * an executor's calls have one), the stamp and storage address the transform was made from
 * stand for the comparison: equal, the transform is used without reading the weights (nor
 * scanning them for NaN again, {@link #keeps}): two reads of every layer's weights per
 * inference call saved, which at batch 1 are of the order of the layer's data.
 *
 * <p>On a match the cached transform is used (every inference call after the first, and frozen
 * layers in training). Otherwise, in training (weights change every step) the filters are
 * transformed into the caller's workspace; in inference a new cached transform is made and
 * published, so memory is allocated once per weight version. Readers on several threads see
 * either snapshot whole (each is immutable once published).
 */
final class FilterCache {
  /** The weights' bytes and transform, and the storage address and stamp (-1: none) read. */
  private record Snapshot(ByteBuffer weights, ByteBuffer filterBytes, FloatBuffer filters,
      long address, long version) {
    boolean madeFrom(long at, long stamp) {
      return stamp >= 0 && version == stamp && address == at;
    }
  }

  private final long filterFloats;
  private final BiConsumer<FloatBuffer, FloatBuffer> transform;
  private final AtomicReference<Snapshot> current = new AtomicReference<>();

  /**
   * @param filterFloats size of a transform
   * @param transform writes the transform of its first argument (the weights) into its second
   */
  FilterCache(long filterFloats, BiConsumer<FloatBuffer, FloatBuffer> transform) {
    this.filterFloats = filterFloats;
    this.transform = transform;
  }

  /**
   * True if the kept transform was made from the weights at {@code weights}'s storage with
   * stamp {@code version} (never for -1): they have not changed since, and were finite then.
   */
  boolean keeps(ByteBuffer weights, long version) {
    Snapshot s = current.get();
    return s != null && s.madeFrom(address(weights), version);
  }

  /**
   * The transformed filters of {@code weights} ({@code weightFloats} float32 values from byte
   * 0), from index 0 of the returned buffer.
   *
   * @param version the caller's stamp of the weights, or -1 if it has none
   * @param train true to transform into {@code scratch} on a miss instead of caching
   * @param scratch at least {@link #filterFloats} floats from index 0, used only in training
   */
  FloatBuffer filters(ByteBuffer weights, int weightFloats, long version, boolean train,
      FloatBuffer scratch) {
    long at = address(weights);
    ByteBuffer bytes = weights.slice(0, 4 * weightFloats);
    Snapshot s = current.get();
    if (s != null && s.madeFrom(at, version)) {
      return s.filters().duplicate();
    }
    if (s != null && bytes.mismatch(s.weights()) == -1) {
      if (version >= 0) {
        // the same bytes under a new stamp (or storage): the next call need not compare them
        current.compareAndSet(s, new Snapshot(s.weights(), s.filterBytes(), s.filters(), at,
            version));
      }
      return s.filters().duplicate();
    }
    FloatBuffer w = bytes.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
    if (train) {
      transform.accept(w, scratch);
      return scratch;
    }
    ByteBuffer copy = ByteBuffer.allocateDirect(bytes.capacity()).put(bytes.duplicate());
    ByteBuffer uBytes = ByteBuffer.allocateDirect(Math.toIntExact(4 * filterFloats));
    FloatBuffer u = uBytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
    transform.accept(w, u);
    current.set(new Snapshot(copy.clear(), uBytes, u, at, version));
    return u.duplicate();
  }

  /**
   * Frees the kept transform and weight copy now (the kernel's {@link
   * org.kindling.tensor.op.Kernel#release}: no call runs meanwhile); a later call makes them
   * anew.
   */
  void release() {
    Snapshot s = current.getAndSet(null);
    if (s != null) {
      DirectBuffers.free(s.weights());
      DirectBuffers.free(s.filterBytes());
    }
  }

  /** True if a transform is kept (tests). */
  boolean holds() {
    return current.get() != null;
  }

  private static long address(ByteBuffer direct) {
    return new Pointer(direct).address();
  }
}
