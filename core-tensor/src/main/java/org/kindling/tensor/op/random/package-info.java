/**
 * Random samplers with MXNet's names and parameters: {@code _random_uniform},
 * {@code _random_normal} and the numpy-extension {@code _npi_bernoulli}. Values come from the
 * call's {@link org.kindling.tensor.op.OpContext#random()} generator, which is seeded in program
 * order, so a program's samples depend on its seed and call order, never on thread timing. They
 * do not reproduce MXNet's own random streams.
 */
package org.kindling.tensor.op.random;
