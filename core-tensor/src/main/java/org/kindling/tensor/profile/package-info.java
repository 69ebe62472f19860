/**
 * The operator profiler (MXNet's {@code mx.profiler}): timed events of engine operations,
 * operators and oneDNN primitives, as an aggregate table and a Chrome trace.
 */
package org.kindling.tensor.profile;
