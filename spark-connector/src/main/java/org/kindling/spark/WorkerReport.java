package org.kindling.spark;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A progress report a training task sends to the driver through the parameter server's message
 * channel, encoded as one line of text: {@code kindling-progress epoch=1 batch=50 batches=235
 * samples=6400 correct=5012 seconds=1.234} or the same with {@code kindling-epoch-end} as the
 * first word. Counts are cumulative since the start of the epoch, so a lost or late report
 * never skews the totals.
 *
 * @param epochEnd true for the report sent after the last step (and last pull) of an epoch
 * @param epoch the epoch, 1-based
 * @param batch batches done in this epoch
 * @param batches batches per epoch (the same for every worker)
 * @param samples samples trained on in this epoch by this worker
 * @param correct of those, how many the network classified correctly (before the update)
 * @param seconds seconds since the start of this epoch on this worker
 */
record WorkerReport(boolean epochEnd, int epoch, int batch, int batches, long samples,
    long correct, double seconds) {

  private static final String PROGRESS = "kindling-progress";
  private static final String EPOCH_END = "kindling-epoch-end";

  /** The text form sent over the wire. */
  String encode() {
    return String.format(Locale.ROOT, "%s epoch=%d batch=%d batches=%d samples=%d correct=%d seconds=%.6f",
        epochEnd ? EPOCH_END : PROGRESS, epoch, batch, batches, samples, correct, seconds);
  }

  /**
   * Parses a report.
   *
   * @throws IllegalArgumentException if {@code text} is not a report (names the text)
   */
  static WorkerReport decode(String text) {
    String[] words = text.trim().split("\\s+");
    boolean end;
    if (words[0].equals(EPOCH_END)) {
      end = true;
    } else if (words[0].equals(PROGRESS)) {
      end = false;
    } else {
      throw new IllegalArgumentException("not a Kindling worker report: '" + text + "'");
    }
    Map<String, String> kv = new HashMap<>();
    for (int i = 1; i < words.length; i++) {
      int eq = words[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("malformed field '" + words[i] + "' in '" + text + "'");
      }
      kv.put(words[i].substring(0, eq), words[i].substring(eq + 1));
    }
    try {
      return new WorkerReport(end,
          Integer.parseInt(field(kv, "epoch", text)),
          Integer.parseInt(field(kv, "batch", text)),
          Integer.parseInt(field(kv, "batches", text)),
          Long.parseLong(field(kv, "samples", text)),
          Long.parseLong(field(kv, "correct", text)),
          Double.parseDouble(field(kv, "seconds", text)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed number in '" + text + "'", e);
    }
  }

  private static String field(Map<String, String> kv, String name, String text) {
    String v = kv.get(name);
    if (v == null) {
      throw new IllegalArgumentException("field '" + name + "' missing in '" + text + "'");
    }
    return v;
  }

  /** True if {@code text} looks like a report (other messages are ignored by the driver). */
  static boolean isReport(String text) {
    return text.startsWith(PROGRESS) || text.startsWith(EPOCH_END);
  }
}
