package org.kindling.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads and writes single elements of any {@link DType} in raw bytes, converting through double:
 * the slow, exact path used by casts, by kernels that read labels and indices of any type, and
 * by file summaries. The buffer's own byte order is used (native for arrays, little-endian for
 * file bytes).
 */
public final class Elements {
  private Elements() {}

  /** Element {@code i} of {@code b} (C order, in {@code b}'s byte order) converted exactly to double. */
  public static double get(ByteBuffer b, DType t, int i) {
    return switch (t) {
      case FLOAT32 -> b.getFloat(i * 4);
      case FLOAT64 -> b.getDouble(i * 8);
      case FLOAT16 -> halfToFloat(b.getShort(i * 2));
      case BFLOAT16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
      case UINT8 -> b.get(i) & 0xFF;
      case INT8 -> b.get(i);
      case BOOL -> b.get(i) != 0 ? 1 : 0;
      case INT16 -> b.getShort(i * 2);
      case UINT16 -> b.getShort(i * 2) & 0xFFFF;
      case INT32 -> b.getInt(i * 4);
      case UINT32 -> Integer.toUnsignedLong(b.getInt(i * 4));
      case INT64 -> (double) b.getLong(i * 8);
      case UINT64 -> unsignedToDouble(b.getLong(i * 8));
    };
  }

  /**
   * Stores {@code v} as element {@code i} of {@code b}, converted as a C cast does: floats round
   * to nearest even, integers truncate toward zero and wrap to the type's width, bool is
   * {@code v != 0}.
   */
  public static void set(ByteBuffer b, DType t, int i, double v) {
    switch (t) {
      case FLOAT32 -> b.putFloat(i * 4, (float) v);
      case FLOAT64 -> b.putDouble(i * 8, v);
      case FLOAT16 -> b.putShort(i * 2, floatToHalf((float) v));
      case BFLOAT16 -> b.putShort(i * 2, floatToBfloat16((float) v));
      case UINT8, INT8 -> b.put(i, (byte) (long) v);
      case BOOL -> b.put(i, (byte) (v != 0 ? 1 : 0));
      case INT16, UINT16 -> b.putShort(i * 2, (short) (long) v);
      case INT32, UINT32 -> b.putInt(i * 4, (int) (long) v);
      case INT64 -> b.putLong(i * 8, (long) v);
      case UINT64 -> b.putLong(i * 8, v >= 0x1p63 ? (long) (v - 0x1p63) ^ Long.MIN_VALUE : (long) v);
    }
  }

  /** Sum of all {@code count} elements in index order, in double (little-endian bytes). */
  public static double sum(ByteBuffer data, DType t, long count) {
    ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    double s = 0;
    for (int i = 0; i < count; i++) {
      s += get(b, t, i);
    }
    return s;
  }

  /** IEEE 754 binary16 to float (exact: every half is a float). */
  public static float halfToFloat(short h) {
    int bits = h & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1F;
    int mant = bits & 0x3FF;
    if (exp == 0x1F) { // inf or NaN: keep the payload in the top mantissa bits
      return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
    }
    if (exp == 0) { // zero or subnormal: mant * 2^-24
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** Float to IEEE 754 binary16, rounding to nearest even (NaN stays NaN, overflow is inf). */
  public static short floatToHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xFF;
    int mant = bits & 0x7FFFFF;
    if (exp == 0xFF) {
      return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign; // rounds to zero
      }
      int m = mant | 0x800000; // implicit bit
      int shift = 14 - e;
      int half = m >>> shift;
      int rest = m & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rest > mid || (rest == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rest = mant & 0x1FFF;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, which is still correct (up to inf)
    }
    return (short) (sign | half);
  }

  /** Float to bfloat16 (the top 16 bits), rounding to nearest even; NaN stays NaN. */
  public static short floatToBfloat16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** A u64 bit pattern to the nearest double (what a C cast does). */
  static double unsignedToDouble(long v) {
    if (v >= 0) {
      return v;
    }
    // halve with the lost bit kept sticky so the final rounding is still correct, then double
    return (double) ((v >>> 1) | (v & 1)) * 2.0;
  }
}
