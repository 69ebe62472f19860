/**
 * Parameter initializers with MXNet 1.9.1 semantics: {@link
 * org.kindling.symbol.init.WeightInitializer}s ({@code Xavier}, {@code MSRAPrelu}, {@code
 * Uniform}, {@code Normal}, {@code Constant}, {@code Zero}, {@code One}, {@code Bilinear},
 * {@code LSTMBias}) apply MXNet's name rules and per-variable {@code __init__} specs; {@code
 * Load} and {@code Mixed} route parameters; {@code Initializers} creates them from specs. Random
 * rules are seeded per parameter name, independent of visiting order.
 */
package org.kindling.symbol.init;
