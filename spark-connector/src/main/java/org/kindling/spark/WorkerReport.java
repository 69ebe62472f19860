package org.kindling.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A progress report a training task sends to the driver through the parameter server's message
 * channel, encoded as one line of text: {@code kindling-progress epoch=1 batch=50 batches=235
 * samples=6400 seconds=1.234 metrics=5012.0/6400,1843.25/6400} or the same with {@code
 * kindling-epoch-end} as the first word, and {@code skipped=N} when the worker skipped corrupt
 * records ({@code --skip-corrupt}). Counts and sums are cumulative since the start of the
 * epoch, so a lost or late report never skews the totals.
 *
 * <p>Rank 0's epoch-end report of a network with auxiliary states (BatchNorm's moving
 * statistics, which every worker keeps for itself, as in MXNet's distributed training) also
 * carries them, as a base64 {@code .params} image ({@code aux=...}): the driver checkpoints
 * worker 0's.
 *
 * @param epochEnd true for the report sent after the last step (and last pull) of an epoch
 * @param epoch the epoch, 1-based (the number of its checkpoint)
 * @param batch batches done in this epoch
 * @param batches batches per epoch (the same for every worker)
 * @param samples samples trained on in this epoch by this worker
 * @param sums each metric's sum over those samples ({@code EvalMetric.sumMetric()}), in the
 *     job's metric order
 * @param counts each metric's instance count ({@code EvalMetric.numInst()})
 * @param seconds seconds since the start of this epoch on this worker
 * @param aux rank 0's auxiliary states as a {@code .params} image ({@code aux:NAME}), or null
 * @param skipped corrupt records this worker skipped in this epoch ({@code --skip-corrupt})
 */
record WorkerReport(boolean epochEnd, int epoch, int batch, int batches, long samples,
    double[] sums, long[] counts, double seconds, byte[] aux, long skipped) {

  private static final String PROGRESS = "kindling-progress";
  private static final String EPOCH_END = "kindling-epoch-end";

  WorkerReport {
    if (sums.length != counts.length) {
      throw new IllegalArgumentException(sums.length + " metric sums but " + counts.length
          + " counts");
    }
    sums = sums.clone();
    counts = counts.clone();
  }

  /** A report of a worker that skipped no record. */
  WorkerReport(boolean epochEnd, int epoch, int batch, int batches, long samples, double[] sums,
      long[] counts, double seconds, byte[] aux) {
    this(epochEnd, epoch, batch, batches, samples, sums, counts, seconds, aux, 0);
  }

  /** The text form sent over the wire. */
  String encode() {
    StringBuilder m = new StringBuilder();
    for (int i = 0; i < sums.length; i++) {
      m.append(i == 0 ? "" : ",").append(Double.toString(sums[i])).append('/').append(counts[i]);
    }
    return String.format(Locale.ROOT,
        "%s epoch=%d batch=%d batches=%d samples=%d seconds=%.6f metrics=%s%s%s",
        epochEnd ? EPOCH_END : PROGRESS, epoch, batch, batches, samples, seconds, m,
        skipped == 0 ? "" : " skipped=" + skipped,
        aux == null ? "" : " aux=" + Base64.getEncoder().encodeToString(aux));
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
      throw new IllegalArgumentException("not a Kindling worker report: '" + shorten(text) + "'");
    }
    Map<String, String> kv = new HashMap<>();
    for (int i = 1; i < words.length; i++) {
      int eq = words[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("malformed field '" + shorten(words[i]) + "' in '"
            + shorten(text) + "'");
      }
      kv.put(words[i].substring(0, eq), words[i].substring(eq + 1));
    }
    try {
      List<Double> sums = new ArrayList<>();
      List<Long> counts = new ArrayList<>();
      String metrics = field(kv, "metrics", text);
      for (String pair : metrics.isEmpty() ? new String[0] : metrics.split(",")) {
        int slash = pair.indexOf('/');
        if (slash <= 0) {
          throw new IllegalArgumentException("malformed metric '" + pair + "' in '"
              + shorten(text) + "'");
        }
        sums.add(Double.parseDouble(pair.substring(0, slash)));
        counts.add(Long.parseLong(pair.substring(slash + 1)));
      }
      String aux = kv.get("aux");
      String skipped = kv.get("skipped");
      return new WorkerReport(end,
          Integer.parseInt(field(kv, "epoch", text)),
          Integer.parseInt(field(kv, "batch", text)),
          Integer.parseInt(field(kv, "batches", text)),
          Long.parseLong(field(kv, "samples", text)),
          sums.stream().mapToDouble(Double::doubleValue).toArray(),
          counts.stream().mapToLong(Long::longValue).toArray(),
          Double.parseDouble(field(kv, "seconds", text)),
          aux == null ? null : Base64.getDecoder().decode(aux),
          skipped == null ? 0 : Long.parseLong(skipped));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed number in '" + shorten(text) + "'", e);
    }
  }

  private static String field(Map<String, String> kv, String name, String text) {
    String v = kv.get(name);
    if (v == null) {
      throw new IllegalArgumentException("field '" + name + "' missing in '" + shorten(text)
          + "'");
    }
    return v;
  }

  /** A report may carry kilobytes of auxiliary states: messages quote its start only. */
  private static String shorten(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  /** True if {@code text} looks like a report (other messages are ignored by the driver). */
  static boolean isReport(String text) {
    return text.startsWith(PROGRESS) || text.startsWith(EPOCH_END);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WorkerReport r && epochEnd == r.epochEnd && epoch == r.epoch
        && batch == r.batch && batches == r.batches && samples == r.samples
        && Arrays.equals(sums, r.sums) && Arrays.equals(counts, r.counts)
        && Double.compare(seconds, r.seconds) == 0 && Arrays.equals(aux, r.aux)
        && skipped == r.skipped;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {epochEnd, epoch, batch, batches, samples,
        Arrays.hashCode(sums), Arrays.hashCode(counts), seconds, Arrays.hashCode(aux), skipped});
  }

  @Override
  public String toString() {
    return "WorkerReport[" + (epochEnd ? "end " : "") + "epoch=" + epoch + ", batch=" + batch
        + "/" + batches + ", samples=" + samples + ", sums=" + Arrays.toString(sums)
        + ", counts=" + Arrays.toString(counts) + ", seconds=" + seconds
        + (aux == null ? "" : ", aux=" + aux.length + " bytes")
        + (skipped == 0 ? "" : ", skipped=" + skipped) + "]";
  }
}
