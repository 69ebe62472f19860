/**
 * Linear algebra with MXNet's names and semantics: {@code dot} (N-D inputs contracted over the
 * last axis of the first and the first axis of the second, optionally transposed) and
 * {@code batch_dot}, both through OpenBLAS sgemm.
 */
package org.kindling.tensor.op.linalg;
