package org.kindling.tensor.winograd;

import java.nio.FloatBuffer;

/**
 * Moves image rows between a channel-blocked tensor ({@code nChw<b>c}; {@code nhwc} is {@code b
 * = C}, {@link org.kindling.tensor.op.Layout#channelBlock()}) and a planar stage of {@code g}
 * channels ({@code stage[j][row][x]}), for the Winograd gather and scatter (decision 0071).
 * Reading a blocked row one channel at a time would step over the buffer {@code b} floats at a
 * time, once per channel: with {@code nhwc} at 64-512 channels every channel's pass touches
 * every cache line of the block's rows, which do not stay in cache between channels. Moving
 * {@code g} channels at once reads each {@code g}-float run (one 64-byte line for {@code g = 16})
 * once. Pure moves: no bit changes.
 */
final class BlockedRows {
  private BlockedRows() {}

  /**
   * Channels moved at once for channel block {@code b}: the largest of 16, 8, 4, 2, 1 dividing
   * it. (All {@code b} at once, one bulk read per row of {@code nhwc}, was no faster: VGG-16
   * conv3_2 at batch 8, one thread, F(4x4) 191 against 171 ms.)
   */
  static int group(int b) {
    for (int g = 16; g > 1; g /= 2) {
      if (b % g == 0) {
        return g;
      }
    }
    return 1;
  }

  /**
   * {@code stage[at + j·plane + x] = t[base + x·b + j]} for {@code j < g}, {@code x < w}: one
   * row of {@code g} channels, from the index {@code base} of its first element.
   *
   * @param tmp at least {@code w·g} floats
   */
  static void unpack(FloatBuffer t, int base, int b, int g, int w, float[] tmp, float[] stage,
      int at, int plane) {
    if (g == b) {
      t.get(base, tmp, 0, w * g); // the row's g channels are contiguous
    } else {
      for (int x = 0; x < w; x++) {
        t.get(base + x * b, tmp, x * g, g);
      }
    }
    for (int j = 0; j < g; j++) {
      int o = at + j * plane;
      for (int x = 0; x < w; x++) {
        stage[o + x] = tmp[x * g + j];
      }
    }
  }

  /** The reverse of {@link #unpack}: {@code t[base + x·b + j] = stage[at + j·plane + x]}. */
  static void pack(float[] stage, int at, int plane, FloatBuffer t, int base, int b, int g,
      int w, float[] tmp) {
    for (int j = 0; j < g; j++) {
      int o = at + j * plane;
      for (int x = 0; x < w; x++) {
        tmp[x * g + j] = stage[o + x];
      }
    }
    if (g == b) {
      t.put(base, tmp, 0, w * g);
    } else {
      for (int x = 0; x < w; x++) {
        t.put(base + x * b, tmp, x * g, g);
      }
    }
  }
}
