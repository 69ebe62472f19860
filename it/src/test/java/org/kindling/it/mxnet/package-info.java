/**
 * Integration tests that use the real MXNet 1.9.1 native library as an oracle: Kindling's
 * RecordIO, {@code .params}, symbol JSON and forward outputs are compared with what {@code
 * libmxnet.so} (from {@code ai.djl.mxnet:mxnet-native-mkl:1.9.1:linux-x86_64}) reads, writes
 * and computes on the same machine.
 *
 * <p>{@link org.kindling.it.mxnet.Mxnet} extracts and loads the library and checks every C API
 * call; {@link org.kindling.it.mxnet.MxRecordIO}, {@link org.kindling.it.mxnet.MxNDArrays},
 * {@link org.kindling.it.mxnet.MxSymbol} and {@link org.kindling.it.mxnet.MxPredictor} wrap the
 * few C API functions the tests need. These tests run in a JVM of their own (see the failsafe
 * execution {@code mxnet-oracle} in {@code it/pom.xml}).
 */
package org.kindling.it.mxnet;
