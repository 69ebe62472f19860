package org.kindling.tensor.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.kindling.tensor.DType;

/** Reads elements of any {@link DType} from raw little-endian bytes as doubles. */
final class ElementValues {
  private ElementValues() {}

  /** Element {@code i} of {@code data} (little-endian, C order) converted exactly to double. */
  static double get(ByteBuffer data, DType t, int i) {
    ByteBuffer b = data.order() == ByteOrder.LITTLE_ENDIAN ? data : data.duplicate().order(
        ByteOrder.LITTLE_ENDIAN);
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

  /** Sum of all {@code count} elements in index order, in double. */
  static double sum(ByteBuffer data, DType t, long count) {
    ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    double s = 0;
    for (int i = 0; i < count; i++) {
      s += get(b, t, i);
    }
    return s;
  }

  /** IEEE 754 binary16 to float (exact: every half is a float). */
  static float halfToFloat(short h) {
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

  /** A u64 bit pattern to the nearest double (what a C cast does). */
  static double unsignedToDouble(long v) {
    if (v >= 0) {
      return v;
    }
    // halve with the lost bit kept sticky so the final rounding is still correct, then double
    return (double) ((v >>> 1) | (v & 1)) * 2.0;
  }
}
