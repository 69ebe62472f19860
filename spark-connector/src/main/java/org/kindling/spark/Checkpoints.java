package org.kindling.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.symbol.callback.EpochRecord;
import org.kindling.symbol.callback.TrainingHistory;

/**
 * The files of a training job's checkpoint prefix and their atomic writes on any Hadoop file
 * system: MXNet's {@code PREFIX-symbol.json} and {@code PREFIX-%04d.params} (the file of epoch
 * {@code e}, 1-based, holds the weights after {@code e} epochs, as {@code
 * mx.model.save_checkpoint} numbers them), the optimizer states {@code PREFIX-%04d.states}
 * (formats.md §3.8), the training history {@code PREFIX-history.csv}, {@code .json} and
 * {@code .png} ({@link TrainingHistory}) and, with a parameter server, its figures per key and
 * epoch {@code PREFIX-history-kvstore.csv} ({@link KVStoreMeter}).
 */
public final class Checkpoints {

  /** The history's file extensions, in the order they are written. */
  static final List<String> HISTORY_FORMATS = List.of("csv", "json", "png");

  private Checkpoints() {}

  /** {@code PREFIX-symbol.json}. */
  public static String symbolFile(String prefix) {
    return prefix + "-symbol.json";
  }

  /** {@code PREFIX-%04d.params}. */
  public static String paramsFile(String prefix, int epoch) {
    return numbered(prefix, epoch, "params");
  }

  /** {@code PREFIX-%04d.states}: the optimizer states after epoch {@code epoch}. */
  public static String statesFile(String prefix, int epoch) {
    return numbered(prefix, epoch, "states");
  }

  private static String numbered(String prefix, int epoch, String extension) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    return String.format(Locale.ROOT, "%s-%04d.%s", prefix, epoch, extension);
  }

  /** {@code PREFIX-history.EXT} for {@code csv}, {@code json} or {@code png}. */
  public static String historyFile(String prefix, String extension) {
    return prefix + "-history." + extension;
  }

  /** The per-key kvstore history's suffix. */
  static final String KVSTORE_HISTORY_SUFFIX = "-history-kvstore.csv";

  /** {@code PREFIX-history-kvstore.csv}: the parameter server's figures per key and epoch. */
  public static String kvstoreHistoryFile(String prefix) {
    return prefix + KVSTORE_HISTORY_SUFFIX;
  }

  /** Writes the per-key kvstore history ({@link KVStoreMeter#KEY_HEADER}, then rows). */
  static void writeKVStoreHistory(String prefix, List<String> rows, Configuration conf)
      throws IOException {
    String text = KVStoreMeter.KEY_HEADER + "\n" + String.join("", rows.stream()
        .map(r -> r + "\n").toList());
    HadoopFiles.writeAtomically(new Path(kvstoreHistoryFile(prefix)),
        text.getBytes(StandardCharsets.UTF_8), conf);
  }

  /**
   * The rows of epochs {@code 1 .. upTo} of {@code PREFIX-history-kvstore.csv}, for a run
   * resumed from checkpoint {@code upTo}; empty if there is no such file.
   *
   * @throws IOException naming the file if it cannot be read or has another header
   */
  static List<String> readKVStoreHistory(String prefix, int upTo, Configuration conf)
      throws IOException {
    Path file = new Path(kvstoreHistoryFile(prefix));
    if (upTo == 0 || !HadoopFiles.exists(file, conf)) {
      return List.of();
    }
    List<String> lines = new String(HadoopFiles.readAll(file, conf), StandardCharsets.UTF_8)
        .lines().toList();
    if (lines.isEmpty() || !lines.get(0).equals(KVStoreMeter.KEY_HEADER)) {
      throw new IOException(file + " is not a kvstore history: its first line is not '"
          + KVStoreMeter.KEY_HEADER + "' (delete it, or start without --begin-epoch)");
    }
    List<String> rows = new java.util.ArrayList<>();
    for (String row : lines.subList(1, lines.size())) {
      int comma = row.indexOf(',');
      try {
        if (Integer.parseInt(row.substring(0, Math.max(0, comma))) <= upTo) {
          rows.add(row);
        }
      } catch (NumberFormatException e) {
        throw new IOException(file + ": row '" + row + "' does not start with an epoch number",
            e);
      }
    }
    return rows;
  }

  /** Writes the symbol JSON atomically. */
  public static void writeSymbol(String prefix, String json, Configuration conf)
      throws IOException {
    HadoopFiles.writeAtomically(new Path(symbolFile(prefix)),
        json.getBytes(StandardCharsets.UTF_8), conf);
  }

  /** Writes an epoch's {@code .params} image atomically. */
  public static void writeParams(String prefix, int epoch, byte[] params, Configuration conf)
      throws IOException {
    HadoopFiles.writeAtomically(new Path(paramsFile(prefix, epoch)), params, conf);
  }

  /** Writes an epoch's {@code .states} image atomically. */
  public static void writeStates(String prefix, int epoch, byte[] states, Configuration conf)
      throws IOException {
    HadoopFiles.writeAtomically(new Path(statesFile(prefix, epoch)), states, conf);
  }

  /** Rewrites one of the history's files ({@code csv}, {@code json}, {@code png}) atomically. */
  static void writeHistory(String prefix, String extension, TrainingHistory history,
      Configuration conf) throws IOException {
    byte[] bytes = switch (extension) {
      case "csv" -> history.csvText().getBytes(StandardCharsets.UTF_8);
      case "json" -> history.jsonBytes();
      case "png" -> history.pngBytes();
      default -> throw new IllegalArgumentException("no history format '" + extension + "'");
    };
    HadoopFiles.writeAtomically(new Path(historyFile(prefix, extension)), bytes, conf);
  }

  /**
   * The epochs {@code 1 .. upTo} of {@code PREFIX-history.json}, for a run resumed from
   * checkpoint {@code upTo}; empty if there is no such file.
   *
   * @throws IOException naming the file if it cannot be read or is not a history
   */
  static List<EpochRecord> readHistory(String prefix, int upTo, Configuration conf)
      throws IOException {
    Path file = new Path(historyFile(prefix, "json"));
    if (upTo == 0 || !HadoopFiles.exists(file, conf)) {
      return List.of();
    }
    try {
      return TrainingHistory.readJson(HadoopFiles.readAll(file, conf), file.toString()).stream()
          .filter(r -> r.epoch() <= upTo).toList();
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
