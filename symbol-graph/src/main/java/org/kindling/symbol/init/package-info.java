/**
 * Parameter initializers following MXNet's name rule (weight, bias, gamma, beta, ...), seeded
 * for reproducibility.
 */
package org.kindling.symbol.init;
