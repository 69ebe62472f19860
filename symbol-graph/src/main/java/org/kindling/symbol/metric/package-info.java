/** Evaluation metrics as in MXNet ({@code accuracy}, {@code cross-entropy}). */
package org.kindling.symbol.metric;
