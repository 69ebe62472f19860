package org.kindling.kvstore;

/**
 * Receives the text messages workers send with {@link DistKVStore#sendMessage(String)}, e.g.
 * progress reports and epoch ends. Called on one dedicated server thread, in arrival order; the
 * sending worker's {@code sendMessage} returns only after this method returns, so a listener
 * that reacts to rank 0's epoch-end message can take a consistent {@link
 * KVStoreServer#snapshot()} (rank 0 pushes nothing meanwhile, so no sync round completes).
 */
@FunctionalInterface
public interface MessageListener {

  /**
   * Handles one message. An exception is reported to the sending worker as an error.
   *
   * @param rank the authenticated rank of the sender
   * @param text the message text
   */
  void onMessage(int rank, String text);
}
