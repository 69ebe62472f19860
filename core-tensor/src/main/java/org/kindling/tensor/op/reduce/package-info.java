/**
 * Reductions with MXNet's names and semantics: {@code sum}, {@code mean}, {@code prod},
 * {@code nansum}, {@code nanprod}, {@code max}, {@code min} over a set of axes
 * ({@code axis}, {@code keepdims}, {@code exclude}), {@code norm} (L1/L2), and the index searches
 * {@code argmax}/{@code argmin} over one axis.
 */
package org.kindling.tensor.op.reduce;
