/**
 * The {@code train} benchmark: the MLP 784-512-256-10 (ReLU) and LeNet (MXNet's
 * {@code lenet.py}: two conv-tanh-maxpool stages, fc 500 tanh, fc 10), softmax cross-entropy,
 * SGD with momentum 0.9 (learning rate 0.1 for the MLP, 0.05 for LeNet), batch 128, trained on
 * Fashion-MNIST by Kindling, PyTorch and MXNet (both through DJL), DL4J and Spark MLlib (the MLP
 * only) in turn, each in a JVM of its own with the same flags and number of threads. {@link org.kindling.bench.train.TrainBench} is the entry
 * point; per network it prints one Markdown row per framework with the median samples/s over the
 * timed epochs (after one warm-up epoch), Kindling's speed relative to it, and the test
 * accuracy.
 *
 * <p>Every framework gets the same shuffled mini-batches, staged in its own arrays before the
 * clock starts, and visits them in the same per-epoch order, so the table compares training
 * compute, not input pipelines.
 */
package org.kindling.bench.train;
