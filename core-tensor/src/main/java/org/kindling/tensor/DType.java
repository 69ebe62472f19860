package org.kindling.tensor;

/**
 * Element types, numbered by MXNet's (mshadow's) type flags so that {@code .params} files and
 * symbol attributes round-trip. Compute kernels are float32; the other types are carried for
 * loading, saving and conversion.
 */
public enum DType {
  FLOAT32(0, 4, "float32"),
  FLOAT64(1, 8, "float64"),
  FLOAT16(2, 2, "float16"),
  UINT8(3, 1, "uint8"),
  INT32(4, 4, "int32"),
  INT8(5, 1, "int8"),
  INT64(6, 8, "int64"),
  BOOL(7, 1, "bool"),
  INT16(8, 2, "int16"),
  UINT16(9, 2, "uint16"),
  UINT32(10, 4, "uint32"),
  UINT64(11, 8, "uint64"),
  BFLOAT16(12, 2, "bfloat16");

  private static final DType[] BY_FLAG = new DType[13];

  static {
    for (DType t : values()) {
      BY_FLAG[t.flag] = t;
    }
  }

  private final int flag;
  private final int byteSize;
  private final String numpyName;

  DType(int flag, int byteSize, String numpyName) {
    this.flag = flag;
    this.byteSize = byteSize;
    this.numpyName = numpyName;
  }

  /** MXNet's type flag (0 = float32, 1 = float64, ...). */
  public int flag() {
    return flag;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** The name numpy gives this type, e.g. {@code float32}. */
  public String numpyName() {
    return numpyName;
  }

  /** True if {@code flag} is a known type flag. */
  public static boolean isKnownFlag(int flag) {
    return flag >= 0 && flag < BY_FLAG.length;
  }

  /**
   * The type for an MXNet type flag.
   *
   * @throws IllegalArgumentException if the flag is unknown
   */
  public static DType fromFlag(int flag) {
    if (!isKnownFlag(flag)) {
      throw new IllegalArgumentException(
          "unknown MXNet type flag " + flag + " (known: 0..12, see mshadow TypeFlag)");
    }
    return BY_FLAG[flag];
  }

  /**
   * The type for a numpy-style name ({@code float32}, {@code int64}, ...).
   *
   * @throws IllegalArgumentException if the name is unknown
   */
  public static DType fromName(String name) {
    for (DType t : values()) {
      if (t.numpyName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown dtype '" + name + "'");
  }
}
