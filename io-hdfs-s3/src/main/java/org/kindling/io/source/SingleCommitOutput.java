package org.kindling.io.source;

import java.io.IOException;

/**
 * The life of every {@link AtomicOutput}: written, then either committed once or closed (an
 * abort); a second commit, or a commit after close, is refused. Subclasses say how their store
 * publishes and discards.
 */
abstract class SingleCommitOutput implements AtomicOutput {
  private final String target;
  private boolean finished;

  /** @param target the final name, for messages */
  SingleCommitOutput(String target) {
    this.target = target;
  }

  @Override
  public final void commit() throws IOException {
    if (finished) {
      throw new IllegalStateException("output " + target + " was already committed or closed");
    }
    finished = true;
    publish();
  }

  @Override
  public final PendingFile prepare() throws IOException {
    if (finished) {
      throw new IllegalStateException("output " + target + " was already committed or closed");
    }
    finished = true;
    return store();
  }

  @Override
  public final void close() throws IOException {
    if (!finished) {
      finished = true;
      discard();
    }
  }

  /** True once committed or closed: nothing more may be written. */
  final boolean finished() {
    return finished;
  }

  /**
   * Makes everything written visible under the final name.
   *
   * @throws IOException naming the target if that fails; nothing is then published and what
   *     was written is discarded
   */
  abstract void publish() throws IOException;

  /**
   * Stores everything written without publishing it ({@link AtomicOutput#prepare()}).
   *
   * @throws IOException naming the target if that fails; what was written is then discarded
   * @throws UnsupportedOperationException if the store publishes only on commit
   */
  PendingFile store() throws IOException {
    discard();
    throw new UnsupportedOperationException("output " + target + ": its store publishes only on"
        + " commit(), it cannot leave a file prepared for a later completion");
  }

  /** Discards everything written; nothing appears under the final name. */
  abstract void discard() throws IOException;
}
