package org.kindling.bench.score;

/** A peer framework's copy of a network, bound for one batch of images. */
interface PeerNet extends AutoCloseable {
  /** One forward pass at inference, finished; its first output in C order. */
  float[] forward();

  @Override
  void close();
}
