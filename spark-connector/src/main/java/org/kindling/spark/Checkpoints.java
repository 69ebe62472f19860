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
 * (formats.md §3.8), and the training history {@code PREFIX-history.csv}, {@code .json} and
 * {@code .png} ({@link TrainingHistory}).
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
