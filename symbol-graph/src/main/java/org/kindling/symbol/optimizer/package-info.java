/**
 * Optimizers with MXNet's update rules and parameter names, and their one-line text specs
 * ({@link org.kindling.symbol.optimizer.Optimizers#fromSpec}).
 */
package org.kindling.symbol.optimizer;
