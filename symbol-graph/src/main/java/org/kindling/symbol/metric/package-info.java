/**
 * Evaluation metrics with MXNet 1.9.1 semantics and names: {@code accuracy}, {@code
 * top_k_accuracy_<k>}, {@code f1}, {@code perplexity}, {@code mae}, {@code mse}, {@code rmse},
 * {@code cross-entropy}, {@code nll-loss}, {@code pearsonr}, {@code loss} and composites, with
 * local and global statistics; {@code Metrics} creates them by MXNet's names and aliases.
 */
package org.kindling.symbol.metric;
