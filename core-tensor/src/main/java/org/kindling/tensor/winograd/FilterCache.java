package org.kindling.tensor.winograd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * <p>On a match the cached transform is used (every inference call after the first, and frozen
 * layers in training). Otherwise, in training (weights change every step) the filters are
 * transformed into the caller's workspace; in inference a new cached transform is made and
 * published, so memory is allocated once per weight version. Readers on several threads see
 * either snapshot whole (each is immutable once published).
 */
final class FilterCache {
  private record Snapshot(ByteBuffer weights, FloatBuffer filters) {}

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
   * The transformed filters of {@code weights} ({@code weightFloats} float32 values from byte
   * 0), from index 0 of the returned buffer.
   *
   * @param train true to transform into {@code scratch} on a miss instead of caching
   * @param scratch at least {@link #filterFloats} floats from index 0, used only in training
   */
  FloatBuffer filters(ByteBuffer weights, int weightFloats, boolean train,
      FloatBuffer scratch) {
    ByteBuffer bytes = weights.slice(0, 4 * weightFloats);
    Snapshot s = current.get();
    if (s != null && bytes.mismatch(s.weights()) == -1) {
      return s.filters().duplicate();
    }
    FloatBuffer w = bytes.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
    if (train) {
      transform.accept(w, scratch);
      return scratch;
    }
    ByteBuffer copy = ByteBuffer.allocateDirect(bytes.capacity()).put(bytes.duplicate());
    FloatBuffer u = ByteBuffer.allocateDirect(Math.toIntExact(4 * filterFloats))
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    transform.accept(w, u);
    current.set(new Snapshot(copy.clear(), u));
    return u.duplicate();
  }
}
