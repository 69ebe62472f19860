package org.kindling.it.mxnet;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** What the list-part oracle tests expect of a record: its digest and MXNet's view of its pixels. */
final class RecordBytes {
  private RecordBytes() {}

  /** The hex SHA-256 of {@code b}, as {@code kindling recordio dump} prints it. */
  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** {@code side x side} HWC BGR bytes as MXNet's CHW RGB floats. */
  static float[] chwRgb(byte[] bgr, int side) {
    float[] out = new float[bgr.length];
    int plane = side * side;
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < plane; p++) {
        out[c * plane + p] = bgr[p * 3 + (2 - c)] & 0xFF;
      }
    }
    return out;
  }
}
