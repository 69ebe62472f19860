package org.kindling.bench.gemm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.openblas.global.openblas_full;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.ThreadBudget;
import org.kindling.tensor.ops.Linalg;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * C = A·B for n×n float32 matrices, two ways in one JVM on one OpenBLAS library:
 *
 * <ul>
 *   <li>{@link #kindlingDot}: {@code Linalg.dot(a, b)} through the operator registry and the
 *       engine, including the result's allocation from the pool, {@code waitToRead()} and its
 *       release — what a Kindling user pays;
 *   <li>{@link #openblasSgemm}: {@code cblas_sgemm} on direct FloatBuffers, row-major, into a
 *       preallocated C — the bound.
 * </ul>
 *
 * <p>Time per product is converted to GFLOP/s (2n³ / time) by {@link GemmTable}. Run with
 * {@code java -cp <bench classpath> org.openjdk.jmh.Main GemmBenchmark [-p n=256,...]}; see
 * {@code bench/run-gemm}. Both paths use OpenBLAS's global thread count, so they are compared
 * at the same parallelism: every core, unless {@code -Dkindling.blas.threads} says otherwise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GemmBenchmark {

  /** Matrix order. */
  @Param({"256", "512", "1024", "2048", "4096"})
  public int n;

  private NDArray a;
  private NDArray b;
  private FloatBuffer rawA;
  private FloatBuffer rawB;
  private FloatBuffer rawC;

  /**
   * Fills A and B with the same uniform values for both paths and checks once that the two
   * products agree, so a fast wrong answer cannot be reported as a result.
   */
  @Setup(Level.Trial)
  public void setUp() {
    // one big-matrix stream: the thread budget's split for it is every core to OpenBLAS (its
    // default, 1 BLAS thread per engine worker, suits many independent operations)
    if (System.getProperty(ThreadBudget.BLAS_THREADS) == null) {
      System.setProperty(ThreadBudget.BLAS_THREADS,
          Integer.toString(Runtime.getRuntime().availableProcessors()));
    }
    int size = Math.multiplyExact(n, n);
    float[] va = uniform(size, 1);
    float[] vb = uniform(size, 2);
    a = NDArray.of(va, Shape.of(n, n));
    b = NDArray.of(vb, Shape.of(n, n));
    rawA = direct(size).put(va);
    rawB = direct(size).put(vb);
    rawC = direct(size);
    rawA.clear();
    rawB.clear();
    openblasSgemm();
    try (NDArray c = Linalg.dot(a, b)) {
      checkAgree(c.toFloatArray(), rawC);
    }
  }

  /**
   * Kindling: the product through the registry and the engine, waited for, its result released
   * to the pool (as a training step releases its temporaries), so that steady state measures the
   * operator and not first-touch page faults of fresh memory.
   */
  @Benchmark
  public float kindlingDot() {
    try (NDArray c = Linalg.dot(a, b)) {
      c.waitToRead();
      return c.byteBuffer().getFloat(0);
    }
  }

  /** Raw OpenBLAS: row-major C = 1·A·B + 0·C on direct buffers. */
  @Benchmark
  public FloatBuffer openblasSgemm() {
    openblas_full.cblas_sgemm(
        openblas_full.CblasRowMajor, openblas_full.CblasNoTrans, openblas_full.CblasNoTrans,
        n, n, n, 1f, rawA, n, rawB, n, 0f, rawC, n);
    return rawC;
  }

  private void checkAgree(float[] kindling, FloatBuffer raw) {
    // OpenBLAS may split k differently for the two calls only if the thread count changed, so
    // the results should match to float rounding; 1e-3 relative leaves room for that anyway.
    for (int i = 0; i < kindling.length; i++) {
      float want = raw.get(i);
      if (Math.abs(kindling[i] - want) > 1e-3f * Math.max(1f, Math.abs(want))) {
        throw new IllegalStateException(
            "Linalg.dot and cblas_sgemm disagree at n=" + n + ", element " + i + ": "
                + kindling[i] + " vs " + want);
      }
    }
  }

  private static float[] uniform(int size, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) r.nextDouble(-1, 1);
    }
    return v;
  }

  private static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES))
        .order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }
}
