/**
 * The {@code gemm} benchmark: float32 n×n matrix products through Kindling ({@code Linalg.dot},
 * pushed to the engine and waited for) against raw {@code cblas_sgemm} on the same OpenBLAS in
 * the same JVM, reported as GFLOP/s and their ratio. {@link org.kindling.bench.gemm.GemmBenchmark}
 * is the JMH benchmark; {@link org.kindling.bench.gemm.GemmTable} turns JMH's JSON result into
 * the Markdown table.
 */
package org.kindling.bench.gemm;
