package org.kindling.kvstore;

/**
 * A MESSAGE's text with the task that sent it. A level-1 group sends its tasks' messages over
 * its one connection, whose rank is the group's, so each text carries the task's rank in front
 * ({@code "@task <rank> <text>"}); a plain worker's text does not, and its rank is the
 * connection's.
 *
 * @param rank the task's rank among all tasks of the job
 * @param text the message as the task sent it
 */
public record TaskMessage(int rank, String text) {
  private static final String PREFIX = "@task ";

  /** The wire text of {@code text} sent by task {@code rank} through a group. */
  static String wrap(int rank, String text) {
    return PREFIX + rank + " " + text;
  }

  /**
   * The sender and text of a message that arrived on a connection of rank {@code connRank}.
   *
   * @throws IllegalArgumentException if the task prefix is malformed
   */
  public static TaskMessage parse(int connRank, String wire) {
    if (!wire.startsWith(PREFIX)) {
      return new TaskMessage(connRank, wire);
    }
    int space = wire.indexOf(' ', PREFIX.length());
    try {
      return new TaskMessage(Integer.parseInt(wire.substring(PREFIX.length(), space)),
          wire.substring(space + 1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("a message from worker rank " + connRank + " has a"
          + " malformed task prefix: " + wire.substring(0, Math.min(wire.length(), 40)));
    }
  }
}
