package org.kindling.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.tensor.engine.Engine;
import org.kindling.tensor.engine.Engines;
import org.kindling.tensor.engine.Var;

/**
 * An n-dimensional array in row-major order, stored in a direct, native-order buffer that
 * OpenBLAS reads without a copy. Every operation that touches the data runs through the
 * {@link Engine}: an NDArray owns one engine {@link Var}, and operations list it as read or
 * written. Methods that return data to Java ({@link #toFloatArray()}) wait for pending writes.
 *
 * <p>Compute is float32; other {@link DType}s are held as raw bytes for file I/O.
 *
 * <p>Views made by {@link #reshape} share storage and the engine variable with their base.
 */
public final class NDArray {
  private final Shape shape;
  private final DType dtype;
  private final ByteBuffer data;
  private final Var var;
  private final Engine engine;

  private NDArray(Shape shape, DType dtype, ByteBuffer data, Var var, Engine engine) {
    this.shape = shape;
    this.dtype = dtype;
    this.data = data;
    this.var = var;
    this.engine = engine;
  }

  /** A new float32 array of zeros. */
  public static NDArray zeros(Shape shape) {
    return zeros(shape, DType.FLOAT32);
  }

  /** A new float32 array of zeros with the given dimensions. */
  public static NDArray zeros(int... dims) {
    return zeros(Shape.of(dims));
  }

  /** A new array of zeros of the given type. */
  public static NDArray zeros(Shape shape, DType dtype) {
    long bytes = Math.multiplyExact(shape.size(), (long) dtype.byteSize());
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "array " + shape + " of " + dtype.numpyName() + " needs " + bytes
              + " bytes; one NDArray holds at most 2^31-1 bytes");
    }
    ByteBuffer buf = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    Engine engine = Engines.get();
    return new NDArray(shape, dtype, buf, engine.newVar("ndarray" + shape), engine);
  }

  /**
   * A new float32 array holding a copy of {@code values}.
   *
   * @throws IllegalArgumentException if {@code values.length != shape.size()}
   */
  public static NDArray of(float[] values, Shape shape) {
    if (values.length != shape.size()) {
      throw new IllegalArgumentException(
          values.length + " values do not fill shape " + shape + " (" + shape.size() + ")");
    }
    NDArray a = zeros(shape);
    a.data.asFloatBuffer().put(values);
    return a;
  }

  /**
   * A new array of any type whose bytes are copied from {@code bytes} (little-endian element
   * encoding, as in MXNet files), from its position to its limit.
   */
  public static NDArray ofBytes(ByteBuffer bytes, DType dtype, Shape shape) {
    NDArray a = zeros(shape, dtype);
    if (bytes.remaining() != a.data.capacity()) {
      throw new IllegalArgumentException(
          bytes.remaining() + " bytes do not fill " + dtype.numpyName() + shape);
    }
    ByteBuffer src = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
      a.data.duplicate().put(src);
    } else {
      throw new UnsupportedOperationException("big-endian hosts are not supported");
    }
    return a;
  }

  /** The shape. */
  public Shape shape() {
    return shape;
  }

  /** The element type. */
  public DType dtype() {
    return dtype;
  }

  /** Number of elements. */
  public long size() {
    return shape.size();
  }

  /** The engine variable guarding this array's storage. */
  public Var var() {
    return var;
  }

  /** The engine this array's operations run on. */
  public Engine engine() {
    return engine;
  }

  /**
   * The storage as floats, position 0, without waiting: for kernels that run <em>inside</em> an
   * engine operation that lists this array's variable. Anyone else calls {@link #waitToRead()}
   * first.
   *
   * @throws IllegalStateException if the array is not float32
   */
  public FloatBuffer floatBuffer() {
    requireFloat32("floatBuffer");
    return data.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** The storage as bytes (native order, position 0), without waiting; see {@link #floatBuffer}. */
  public ByteBuffer byteBuffer() {
    return data.duplicate().order(ByteOrder.nativeOrder());
  }

  /** Waits until pending writes to this array have finished. */
  public void waitToRead() {
    engine.waitToRead(var);
  }

  /** Waits until pending reads and writes of this array have finished. */
  public void waitToWrite() {
    engine.waitToWrite(var);
  }

  /** A copy of the data as floats, after pending writes finish. */
  public float[] toFloatArray() {
    waitToRead();
    float[] out = new float[shape.intSize()];
    floatBuffer().get(out);
    return out;
  }

  /**
   * Overwrites the data with {@code values}, as an engine write (the array is copied first, so
   * the caller may reuse it).
   */
  public void set(float[] values) {
    if (values.length != shape.size()) {
      throw new IllegalArgumentException(
          values.length + " values do not fill shape " + shape + " (" + shape.size() + ")");
    }
    float[] copy = values.clone();
    engine.push("set", () -> floatBuffer().put(copy), List.of(), List.of(var));
  }

  /** Sets every element to {@code value}, as an engine write. */
  public void fill(float value) {
    requireFloat32("fill");
    engine.push(
        "fill",
        () -> {
          FloatBuffer b = floatBuffer();
          for (int i = 0, n = b.limit(); i < n; i++) {
            b.put(i, value);
          }
        },
        List.of(),
        List.of(var));
  }

  /**
   * A view with another shape of the same size, sharing storage and the engine variable.
   *
   * @throws IllegalArgumentException if the sizes differ
   */
  public NDArray reshape(Shape newShape) {
    if (newShape.size() != shape.size()) {
      throw new IllegalArgumentException("cannot reshape " + shape + " to " + newShape);
    }
    return new NDArray(newShape, dtype, data, var, engine);
  }

  /** A new array with a copy of the data (an engine operation reading this array). */
  public NDArray copy() {
    NDArray out = zeros(shape, dtype);
    copyTo(out);
    return out;
  }

  /** Copies this array's data into {@code dst} (same shape and type), as an engine operation. */
  public void copyTo(NDArray dst) {
    if (!dst.shape.equals(shape) || dst.dtype != dtype) {
      throw new IllegalArgumentException(
          "copyTo: destination " + dst.dtype.numpyName() + dst.shape + " differs from source "
              + dtype.numpyName() + shape);
    }
    if (dst.var == var) {
      return;
    }
    engine.push("copy", () -> dst.byteBuffer().put(byteBuffer()), List.of(var), List.of(dst.var));
  }

  private void requireFloat32(String what) {
    if (dtype != DType.FLOAT32) {
      throw new IllegalStateException(what + " needs a float32 array, not " + dtype.numpyName());
    }
  }

  @Override
  public String toString() {
    return "NDArray" + shape + " " + dtype.numpyName();
  }
}
