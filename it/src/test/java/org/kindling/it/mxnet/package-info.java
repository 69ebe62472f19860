/**
 * Integration tests that use the real MXNet 1.9.1 native library as an oracle: Kindling's
 * RecordIO, {@code .params}, symbol JSON and forward outputs are compared with what {@code
 * libmxnet.so} (from {@code ai.djl.mxnet:mxnet-native-mkl:1.9.1:linux-x86_64}) reads, writes
 * and computes on the same machine.
 *
 * <p>{@link org.kindling.it.mxnet.Mxnet} extracts and loads the library and checks every C API
 * call; {@link org.kindling.it.mxnet.MxRecordIO}, {@link org.kindling.it.mxnet.MxNDArrays},
 * {@link org.kindling.it.mxnet.MxSymbol} and {@link org.kindling.it.mxnet.MxPredictor} wrap the
 * few C API functions the tests need; {@link org.kindling.it.mxnet.MxImperative} and {@link
 * org.kindling.it.mxnet.MxOpInfo} run operators imperatively with autograd and read their
 * declarations, for {@link org.kindling.it.mxnet.OperatorsMatchMxnetIT}, which checks every
 * registered Kindling operator against MXNet. {@link org.kindling.it.mxnet.MxExecutor} binds
 * whole graphs, in float32 or float64, for the training steps of {@link
 * org.kindling.it.mxnet.ZooTrainingMatchesMxnetIT}. These tests run in a JVM of their own (see the
 * failsafe executions {@code mxnet-oracle} and {@code mxnet-oracle-native} in {@code
 * it/pom.xml}).
 */
package org.kindling.it.mxnet;
