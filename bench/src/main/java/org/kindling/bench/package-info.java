/**
 * Benchmarks that compare Kindling with raw OpenBLAS and with the frameworks a Spark user would
 * otherwise pick, side by side in one run. Built only with {@code -Pbench}; run through
 * {@code bench/run-gemm}, {@code bench/run-train} and {@code bench/run-all}, which print Markdown
 * tables for {@code docs/benchmarks.md}.
 *
 * <p>This package holds what every runner shares: the machine line ({@link
 * org.kindling.bench.MachineInfo}), medians ({@link org.kindling.bench.Stats}) and Markdown
 * output ({@link org.kindling.bench.MarkdownTable}).
 */
package org.kindling.bench;
