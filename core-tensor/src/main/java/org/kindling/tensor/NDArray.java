package org.kindling.tensor;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.kindling.tensor.engine.Engine;
import org.kindling.tensor.engine.Engines;
import org.kindling.tensor.engine.Var;
import org.kindling.tensor.op.Imperative;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.math.Cast;
import org.kindling.tensor.storage.Chunk;
import org.kindling.tensor.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An n-dimensional array in row-major order, in native memory from the pooled {@link Storage}.
 * Every operation that touches the data runs through the {@link Engine}: an NDArray owns one
 * engine {@link Var}, and operations list it as read or written. Methods that return data to
 * Java ({@link #toFloatArray()}) wait for pending writes.
 *
 * <p><b>Types.</b> Kernels compute in float32; the other {@link DType}s are stored, loaded, saved
 * and converted ({@code Cast}); integer arrays serve as labels and indices.
 *
 * <p><b>Views.</b> {@link #reshape} and {@link #slice} return views that share the storage and
 * the engine variable of their base, as MXNet's do.
 *
 * <p><b>Memory.</b> An array holds its storage until {@link #close()}: closing returns the memory
 * to the pool once every operation already pushed on the array has finished (views keep the
 * storage alive until they are closed too). Arrays made while an {@link NDScope} is open on the
 * thread are closed with the scope. An array that becomes garbage without being closed is
 * released by a cleaner as a safety net, and counted in {@link #leakedArrays()}: code that lets
 * this happen depends on the garbage collector, which runs rarely when the Java heap is idle.
 */
public final class NDArray implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NDArray.class);
  private static final Cleaner CLEANER = Cleaner.create();
  private static final AtomicLong LEAKED = new AtomicLong();
  /** Records where each array is made, to name leaks ({@code -Dkindling.debug.leaks=true}). */
  private static final boolean TRACE_LEAKS = Boolean.getBoolean("kindling.debug.leaks");

  private final Shape shape;
  private final DType dtype;
  private final ByteBuffer data;
  /** Where this array's bytes start in its chunk (non-zero for slices). */
  private final long offset;
  private final Var var;
  private final Engine engine;
  private final Release release;
  private final Cleaner.Cleanable cleanable;

  /**
   * What a cleaner or {@link #close} does: drop this array's hold on the chunk after the engine
   * has finished every operation pushed on the variable. Holds no reference to the array.
   */
  private static final class Release implements Runnable {
    private final Chunk chunk;
    private final Var var;
    private final Engine engine;
    private final AtomicBoolean explicit = new AtomicBoolean();
    private final AtomicBoolean done = new AtomicBoolean();
    /** Where the array was made, with {@code -Dkindling.debug.leaks=true}; else null. */
    private final Throwable origin = TRACE_LEAKS ? new Throwable("the leaked array was made here")
        : null;

    Release(Chunk chunk, Var var, Engine engine) {
      this.chunk = chunk;
      this.var = var;
      this.engine = engine;
    }

    @Override
    public void run() {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      if (!explicit.get() && (LEAKED.incrementAndGet() == 1 || origin != null)) {
        LOG.warn("an NDArray was garbage-collected without close(); release arrays with close() "
            + "or an NDScope so that their memory returns to the pool at once"
            + (origin == null ? " (-Dkindling.debug.leaks=true shows where it was made)" : ""),
            origin);
      }
      engine.deleteVar(var, chunk::release);
    }
  }

  private NDArray(Shape shape, DType dtype, Chunk chunk, long offset, Var var, Engine engine) {
    this.shape = shape;
    this.dtype = dtype;
    long bytes = byteSize(shape, dtype);
    this.data = chunk.buffer().position((int) offset).limit((int) (offset + bytes)).slice()
        .order(ByteOrder.nativeOrder());
    this.offset = offset;
    this.var = var;
    this.engine = engine;
    this.release = new Release(chunk, var, engine);
    this.cleanable = CLEANER.register(this, release);
    NDScope.register(this);
  }

  private static long byteSize(Shape shape, DType dtype) {
    long bytes = Math.multiplyExact(shape.size(), (long) dtype.byteSize());
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("array " + shape + " of " + dtype.numpyName() + " needs "
          + bytes + " bytes; one NDArray holds at most 2^31-1 bytes");
    }
    return bytes;
  }

  /**
   * A new array whose contents are undefined: for results that an operation overwrites
   * completely (MXNet's {@code empty}).
   *
   * @throws org.kindling.tensor.storage.StorageLimitException if the memory cap would be passed
   */
  public static NDArray empty(Shape shape, DType dtype) {
    Chunk c = Storage.get().acquire(byteSize(shape, dtype));
    Engine engine = Engines.get();
    return new NDArray(shape, dtype, c, 0, engine.newVar("ndarray" + shape), engine);
  }

  /** A new float32 array whose contents are undefined. */
  public static NDArray empty(Shape shape) {
    return empty(shape, DType.FLOAT32);
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
    long bytes = byteSize(shape, dtype);
    Chunk c = Storage.get().acquire(bytes);
    c.zero(0, bytes); // a fresh chunk: no operation can be pending on it
    Engine engine = Engines.get();
    return new NDArray(shape, dtype, c, 0, engine.newVar("ndarray" + shape), engine);
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
    NDArray a = empty(shape);
    a.data.asFloatBuffer().put(values);
    return a;
  }

  /**
   * A new array of any type whose bytes are copied from {@code bytes} (little-endian element
   * encoding, as in MXNet files), from its position to its limit.
   */
  public static NDArray ofBytes(ByteBuffer bytes, DType dtype, Shape shape) {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new UnsupportedOperationException("big-endian hosts are not supported");
    }
    if (bytes.remaining() != byteSize(shape, dtype)) {
      throw new IllegalArgumentException(
          bytes.remaining() + " bytes do not fill " + dtype.numpyName() + shape);
    }
    NDArray a = empty(shape, dtype);
    a.data.duplicate().put(bytes.duplicate());
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
   * @throws IllegalStateException if the array is not float32 or is closed
   */
  public FloatBuffer floatBuffer() {
    requireFloat32("floatBuffer");
    return byteBuffer().asFloatBuffer();
  }

  /**
   * The storage as bytes (native order, position 0), without waiting; see {@link #floatBuffer}.
   *
   * @throws IllegalStateException if the array is closed
   */
  public ByteBuffer byteBuffer() {
    requireOpen();
    return data.duplicate().order(ByteOrder.nativeOrder());
  }

  /** The kernel's view of this array (see {@link TensorView}), without waiting. */
  public TensorView view() {
    requireOpen();
    return TensorView.of(data, dtype, shape);
  }

  /** Waits until pending writes to this array have finished. */
  public void waitToRead() {
    engine.waitToRead(var);
  }

  /** Waits until pending reads and writes of this array have finished. */
  public void waitToWrite() {
    engine.waitToWrite(var);
  }

  /** A copy of the data as floats (any type is converted), after pending writes finish. */
  public float[] toFloatArray() {
    waitToRead();
    float[] out = new float[shape.intSize()];
    if (dtype == DType.FLOAT32) {
      floatBuffer().get(out);
    } else {
      ByteBuffer b = byteBuffer();
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) Elements.get(b, dtype, i);
      }
    }
    return out;
  }

  /**
   * Overwrites the data with {@code values}, as an engine write (the array is copied first, so
   * the caller may reuse it).
   */
  public void set(float[] values) {
    requireFloat32("set");
    if (values.length != shape.size()) {
      throw new IllegalArgumentException(
          values.length + " values do not fill shape " + shape + " (" + shape.size() + ")");
    }
    float[] copy = values.clone();
    FloatBuffer b = floatBuffer();
    engine.push("set", () -> b.put(0, copy), List.of(), List.of(var));
  }

  /** Sets every element to {@code value}, as an engine write. */
  public void fill(float value) {
    requireFloat32("fill");
    FloatBuffer b = floatBuffer();
    engine.push("fill", () -> {
      for (int i = 0, n = b.limit(); i < n; i++) {
        b.put(i, value);
      }
    }, List.of(), List.of(var));
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
    return view(newShape, 0);
  }

  /**
   * Rows {@code [begin, end)} along axis 0 as a view sharing storage and the engine variable
   * (MXNet's {@code NDArray.slice}, {@code a[begin:end]}).
   *
   * @throws IllegalArgumentException if the range is not within axis 0
   */
  public NDArray slice(int begin, int end) {
    if (shape.ndim() == 0) {
      throw new IllegalArgumentException("cannot slice a scalar");
    }
    int rows = shape.get(0);
    if (begin < 0 || end > rows || begin > end) {
      throw new IllegalArgumentException(
          "slice [" + begin + ", " + end + ") is outside axis 0 of " + shape);
    }
    int[] dims = shape.dims();
    dims[0] = end - begin;
    long rowBytes = shape.sizeFrom(1) * dtype.byteSize();
    return view(Shape.of(dims), begin * rowBytes);
  }

  /**
   * The first bytes of this array seen as another shape and element type, sharing storage and
   * the engine variable: how a memory plan lays several values of any shape over one shared
   * block, so that the engine orders every use of the block through its one variable.
   *
   * @throws IllegalArgumentException if {@code shape} of {@code type} needs more bytes than this
   *     array has
   */
  public NDArray viewAs(Shape shape, DType type) {
    long need = byteSize(shape, type);
    long have = byteSize(this.shape, dtype);
    if (need > have) {
      throw new IllegalArgumentException("cannot view " + dtype.numpyName() + this.shape + " ("
          + have + " bytes) as " + type.numpyName() + shape + " (" + need + " bytes)");
    }
    return view(shape, type, 0);
  }

  private NDArray view(Shape s, long byteOffset) {
    return view(s, dtype, byteOffset);
  }

  private NDArray view(Shape s, DType type, long byteOffset) {
    requireOpen();
    Chunk c = release.chunk.retain();
    return new NDArray(s, type, c, offset + byteOffset, var, engine);
  }

  /**
   * A copy converted to {@code type} as MXNet's {@code astype}/{@code Cast} does (floats round,
   * integers truncate toward zero; a copy even when the type is the same).
   */
  public NDArray astype(DType type) {
    return Imperative.call(Cast.OP, Cast.Params.of(type), this);
  }

  /** A new array with a copy of the data (an engine operation reading this array). */
  public NDArray copy() {
    NDArray out = empty(shape, dtype);
    copyTo(out);
    return out;
  }

  /**
   * True if {@code other} is this array or a view of the same storage starting at the same byte
   * (any shape or type): a copy between the two would move nothing.
   */
  public boolean sameMemory(NDArray other) {
    return other.var == var && other.offset == offset;
  }

  /** Copies this array's data into {@code dst} (same shape and type), as an engine operation. */
  public void copyTo(NDArray dst) {
    if (!dst.shape.equals(shape) || dst.dtype != dtype) {
      throw new IllegalArgumentException(
          "copyTo: destination " + dst.dtype.numpyName() + dst.shape + " differs from source "
              + dtype.numpyName() + shape);
    }
    if (dst.var == var && dst.offset == offset) {
      return;
    }
    if (dst.var == var) {
      throw new IllegalArgumentException("copyTo: source and destination are views of one array");
    }
    ByteBuffer src = byteBuffer();
    ByteBuffer to = dst.byteBuffer();
    engine.push("copy", () -> to.put(0, src, 0, src.capacity()), List.of(var), List.of(dst.var));
  }

  /**
   * Returns this array's storage to the pool once every operation already pushed on it has
   * finished. Idempotent; using the array afterwards is an error.
   */
  @Override
  public void close() {
    if (release.explicit.compareAndSet(false, true)) {
      cleanable.clean();
    }
  }

  /** True once {@link #close()} was called. */
  public boolean isClosed() {
    return release.explicit.get();
  }

  /** How many arrays were released by the garbage collector instead of {@link #close()}. */
  public static long leakedArrays() {
    return LEAKED.get();
  }

  private void requireOpen() {
    if (release.explicit.get()) {
      throw new IllegalStateException("NDArray" + shape + " " + dtype.numpyName()
          + " is closed; its memory is back in the pool");
    }
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
