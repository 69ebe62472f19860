package org.kindling.tensor.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds little-endian byte strings for hand-made records in tests. */
final class LeBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  LeBytes u32(int v) {
    return put(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
  }

  LeBytes u64(long v) {
    return put(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
  }

  LeBytes f32(float... vs) {
    for (float v : vs) {
      put(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
    }
    return this;
  }

  LeBytes i64s(long... vs) {
    for (long v : vs) {
      u64(v);
    }
    return this;
  }

  /** A TShape: i32 ndim then i64 dims. */
  LeBytes tshape(long... dims) {
    u32(dims.length);
    return i64s(dims);
  }

  LeBytes name(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    u64(b.length);
    return put(b);
  }

  LeBytes put(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  /** The container header for {@code count} arrays. */
  static LeBytes container(int count) {
    return new LeBytes().u64(0x112).u64(0).u64(count);
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  /** The §3.4 dense 3x4 example matrix as csr (V2). */
  static LeBytes csrExample(LeBytes b) {
    return b.u32(0xF993FAC9).u32(2).tshape(3).tshape(3, 4).u32(1).u32(0).u32(0)
        .u32(6).tshape(4).u32(6).tshape(3)
        .f32(1.5f, 2f, -3f).i64s(0, 1, 1, 3).i64s(1, 0, 3);
  }

  /** The §3.4 dense 3x4 example matrix as row_sparse (V2). */
  static LeBytes rowSparseExample(LeBytes b) {
    return b.u32(0xF993FAC9).u32(1).tshape(2, 4).tshape(3, 4).u32(1).u32(0).u32(0)
        .u32(6).tshape(2)
        .f32(0, 1.5f, 0, 0, 2, 0, 0, -3).i64s(0, 2);
  }

  static final float[] SPARSE_EXAMPLE_DENSE = {0, 1.5f, 0, 0, 0, 0, 0, 0, 2, 0, 0, -3};
}
