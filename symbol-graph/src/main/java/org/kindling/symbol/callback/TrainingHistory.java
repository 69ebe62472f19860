package org.kindling.symbol.callback;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kindling.tensor.io.AtomicFiles;

/**
 * Records every epoch's training and evaluation metrics (a loss is one of them, e.g. {@code
 * cross-entropy} or MXNet's {@code loss}) and wall time, and after each epoch rewrites the files
 * it was given: CSV ({@link #csvText}), JSON ({@link #jsonBytes}) and a PNG chart of the metrics
 * per epoch, losses and accuracies in separate panels (drawn headless with JFreeChart). Each file
 * is written to a temporary file in its directory and renamed into place ({@link
 * AtomicFiles#write}), so a failure leaves the previous version whole.
 *
 * <p>Epochs are numbered from 1 (epochs completed, the checkpoint's number); columns are {@code
 * train_NAME} and {@code val_NAME} in the order first seen, then any measures the trainer adds
 * ({@link #epochEnd(EpochEndParam, Map)}: a distributed job's {@code kv_*} figures), which the
 * chart draws in a panel of their own. Not thread-safe.
 */
public final class TrainingHistory implements TrainingCallback {
  /** How a file gets written; {@link AtomicFiles#write} outside tests. */
  @FunctionalInterface
  interface FileWriter {
    void write(Path target, AtomicFiles.Content content) throws IOException;
  }

  private final Path csv;
  private final Path json;
  private final Path png;
  private final int width;
  private final int height;
  private final FileWriter writer;
  private final List<EpochRecord> epochs = new ArrayList<>();
  private final Set<String> columns = new LinkedHashSet<>();

  private TrainingHistory(Builder b, FileWriter writer) {
    this.csv = b.csv;
    this.json = b.json;
    this.png = b.png;
    this.width = b.width;
    this.height = b.height;
    this.writer = writer;
    for (EpochRecord r : b.previous) {
      epochs.add(r);
      columns.addAll(r.values().keySet());
    }
  }

  /**
   * Reads the epochs of a history JSON file ({@link #jsonBytes()}), e.g. to continue a resumed
   * run's history with {@link Builder#previous}.
   *
   * @param source the file, for error messages
   * @throws IllegalArgumentException naming {@code source} if the bytes are not such a file
   */
  public static List<EpochRecord> readJson(byte[] json, String source) {
    return HistoryJson.parse(json, source);
  }

  /** Starts a builder; without files the history is only kept in memory ({@link #epochs()}). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Records the epoch and rewrites the files.
   *
   * @throws IOException naming the file if a write fails (the file keeps its previous content)
   */
  @Override
  public Action epochEnd(EpochEndParam p) throws IOException {
    return epochEnd(p, Map.of());
  }

  /**
   * Records the epoch with {@code measures}, columns besides the metrics (names without the
   * {@code train_}/{@code val_} prefixes, e.g. {@code kv_pushed_bytes_per_step}), and rewrites the
   * files.
   *
   * @throws IllegalArgumentException if a measure's name is a metric column
   * @throws IOException naming the file if a write fails (the file keeps its previous content)
   */
  public Action epochEnd(EpochEndParam p, Map<String, Double> measures) throws IOException {
    Map<String, Double> values = new LinkedHashMap<>(p.columns());
    measures.forEach((k, v) -> {
      if (EpochEndParam.isMetricColumn(k)) {
        throw new IllegalArgumentException("measure '" + k + "' is named like a metric column;"
            + " measures need names without the train_/val_ prefixes");
      }
      values.put(k, v);
    });
    EpochRecord r = new EpochRecord(p.epoch() + 1, values, p.seconds());
    epochs.add(r);
    columns.addAll(r.values().keySet());
    if (csv != null) {
      write(csv, csvText().getBytes(StandardCharsets.UTF_8));
    }
    if (json != null) {
      write(json, jsonBytes());
    }
    if (png != null) {
      write(png, HistoryChart.png(epochs(), columns(), width, height));
    }
    return Action.CONTINUE;
  }

  private void write(Path target, byte[] bytes) throws IOException {
    try {
      writer.write(target, out -> out.write(bytes));
    } catch (IOException e) {
      throw new IOException("cannot write the training history to " + target + ": "
          + e.getMessage(), e);
    }
  }

  /** The epochs so far, oldest first. */
  public List<EpochRecord> epochs() {
    return List.copyOf(epochs);
  }

  /** Every metric column seen so far, in the order first seen. */
  public List<String> columns() {
    return List.copyOf(columns);
  }

  /** The CSV file's text: {@code epoch,COLUMN...,seconds} and one row per epoch. */
  public String csvText() {
    return HistoryCsv.format(epochs, columns());
  }

  /** The JSON file's bytes: {@code {"columns": [...], "epochs": [{"epoch": 1, ...}, ...]}}. */
  public byte[] jsonBytes() {
    return HistoryJson.format(epochs, columns());
  }

  /**
   * The chart's PNG bytes at the builder's size, for callers that store the files themselves
   * (on HDFS, say) from a history built without files.
   */
  public byte[] pngBytes() {
    return HistoryChart.png(epochs(), columns(), width, height);
  }

  /** Settings of a {@link TrainingHistory}; validated by {@link #build()}. */
  public static final class Builder {
    private Path csv;
    private Path json;
    private Path png;
    private int width = 800;
    private int height = 600;
    private List<EpochRecord> previous = List.of();

    private Builder() {}

    /**
     * Starts from the epochs of an earlier run (a resumed run's history continues it); they are
     * written with the next epoch.
     */
    public Builder previous(List<EpochRecord> epochs) {
      this.previous = List.copyOf(epochs);
      return this;
    }

    /** Writes the history as CSV to {@code file} after every epoch. */
    public Builder csv(Path file) {
      this.csv = file;
      return this;
    }

    /** Writes the history as JSON to {@code file} after every epoch. */
    public Builder json(Path file) {
      this.json = file;
      return this;
    }

    /** Draws the history as a PNG chart to {@code file} after every epoch. */
    public Builder png(Path file) {
      this.png = file;
      return this;
    }

    /** {@code PREFIX-history.csv}, {@code PREFIX-history.json} and {@code PREFIX-history.png}. */
    public Builder files(Path prefix) {
      String base = prefix.getFileName() + "-history.";
      return csv(prefix.resolveSibling(base + "csv")).json(prefix.resolveSibling(base + "json"))
          .png(prefix.resolveSibling(base + "png"));
    }

    /** The chart's size in pixels (default 800 x 600). */
    public Builder pngSize(int width, int height) {
      this.width = width;
      this.height = height;
      return this;
    }

    /**
     * Builds the history.
     *
     * @throws IllegalArgumentException if the chart size is not between 64 and 8192 pixels
     */
    public TrainingHistory build() {
      return build(AtomicFiles::write);
    }

    TrainingHistory build(FileWriter writer) {
      if (width < 64 || height < 64 || width > 8192 || height > 8192) {
        throw new IllegalArgumentException("history chart size " + width + "x" + height
            + " must be between 64 and 8192 pixels per side");
      }
      return new TrainingHistory(this, writer);
    }
  }
}
