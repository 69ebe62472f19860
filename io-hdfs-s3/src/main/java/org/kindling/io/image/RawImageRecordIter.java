package org.kindling.io.image;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.kindling.io.RecordSource;
import org.kindling.io.RecordView;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataDesc;
import org.kindling.tensor.data.DataIter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches image records whose content is raw uint8 pixels (no encoding), as MXNet's {@code
 * ImageRecordIter} does for pass-through data: each record's content must be exactly {@code
 * prod(dataShape)} bytes, scaled to float32 by {@code scale} (default 1/255).
 *
 * <p>Each {@link DataBatch} holds one data array of shape {@code (batchSize, dataShape...)} and
 * one label array of shape {@code (batchSize,)} (or {@code (batchSize, labelWidth)} when {@code
 * labelWidth > 1}), described by {@link #provideData()} ({@code data}) and {@link
 * #provideLabel()} ({@code softmax_label}), both float32. With {@code labelWidth == 1} the label
 * is the header's scalar label field, as the C++ iterator reads it; with {@code labelWidth > 1}
 * the record must carry exactly that many float labels ({@code flag == labelWidth}).
 *
 * <p>The last batch of an epoch, when short, is completed ({@code roundBatch}, the default) with
 * records from the start of the source's next pass ({@link RecordSource#lendNextPass()}, which
 * the next {@link #reset()} then restarts: a shuffled source lends the pass it reads next),
 * wrapping around as often as needed; otherwise with zero rows. Either way {@link DataBatch#pad()} counts the filler rows. Unlike MXNet, which starts the
 * next epoch after the records borrowed for the wrap, {@link #reset()} then always restarts at
 * the first record, so every epoch sees the same batches ({@link LastBatch#PAD}, which the
 * training path relies on). With {@code lastBatch(LastBatch.ROUND_BATCH)} it batches as MXNet's
 * {@code round_batch} does across epochs instead: the short batch borrows the first records of
 * the next pass and the next epoch goes on after them (decision 0073). Records are read as
 * views ({@link RecordSource#nextView()}) and converted before the next is read, so a source
 * that parses in its read chunks (a split's part reader) copies nothing.
 *
 * <p>A record that is not a valid image record (a header shorter than its fields, a content of
 * the wrong size, the wrong number of labels) stops the iteration with a {@link FormatException}
 * naming its file and offset; with {@code skipCorrupt(true)} it is left out, counted ({@link
 * #corruptCount()}) and described ({@link #corruptRecords()}) instead, as {@link
 * ImageRecordIter} does. (Errors of the RecordIO framing itself, a broken magic word or length,
 * come from the source and stop the iteration either way: past them the record boundaries are
 * unknown.) Not thread-safe.
 */
public final class RawImageRecordIter implements DataIter, CorruptRecordCount {
  private static final Logger LOG = LoggerFactory.getLogger(RawImageRecordIter.class);

  private final RecordSource source;
  private final Shape dataShape;
  private final BatchLayout layout;
  private final int batchSize;
  private final int rowSize;
  private final float scale;
  private final boolean roundBatch;
  private final int labelWidth;
  private final boolean skipCorrupt;
  private final List<String> corrupt = new ArrayList<>();
  private long corruptCount;
  private boolean epochDone;
  /** {@link LastBatch#ROUND_BATCH}: the last batch borrowed from the next pass (no rewind). */
  private boolean overflow;
  private final boolean mxnetRound;

  private RawImageRecordIter(Builder b) {
    this.source = b.source;
    this.dataShape = b.dataShape;
    this.batchSize = b.batchSize;
    this.rowSize = b.dataShape.intSize();
    this.scale = b.scale;
    this.roundBatch = b.roundBatch;
    this.mxnetRound = b.lastBatch == LastBatch.ROUND_BATCH;
    this.labelWidth = b.labelWidth;
    this.skipCorrupt = b.skipCorrupt;
    this.layout = new BatchLayout(batchSize, b.dataShape, labelWidth);
  }

  /**
   * Starts a builder.
   *
   * @param source the records (for example one part of a split); owned (closed) by the iterator
   * @param dataShape shape of one example, e.g. {@code (1, 28, 28)}; its size is the number of
   *     content bytes each record must have
   * @param batchSize rows per batch (at least 1)
   */
  public static Builder builder(RecordSource source, Shape dataShape, int batchSize) {
    return new Builder(source, dataShape, batchSize);
  }

  /** Per-example data shape. */
  public Shape dataShape() {
    return dataShape;
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public List<DataDesc> provideData() {
    return layout.provideData();
  }

  @Override
  public List<DataDesc> provideLabel() {
    return layout.provideLabel();
  }

  /**
   * Corrupt records skipped since the iterator was built (with {@code skipCorrupt}): once per
   * pass that meets them (the wrap-around that completes a short last batch does not count them
   * again).
   */
  @Override
  public long corruptCount() {
    return corruptCount;
  }

  /**
   * {@code file@offset: problem} of the first {@value ImageRecordIter#MAX_REPORTED} corrupt
   * records skipped.
   */
  @Override
  public List<String> corruptRecords() {
    return Collections.unmodifiableList(corrupt);
  }

  /**
   * The next batch, or {@code null} at the end of the epoch.
   *
   * @throws FormatException naming the record's file and offset if a record is not a valid image
   *     record with {@code prod(dataShape)} content bytes (unless skipped)
   */
  @Override
  public DataBatch next() throws IOException {
    if (epochDone) {
      return null;
    }
    float[] data = layout.newData();
    float[] label = layout.newLabels();
    int top = 0;
    while (top < batchSize) {
      RecordView r = source.nextView();
      if (r == null) {
        break;
      }
      if (decode(r, data, label, top, true)) {
        top++;
      }
    }
    if (top == 0) {
      epochDone = true;
      return null;
    }
    int pad = 0;
    if (top < batchSize) {
      epochDone = true;
      pad = batchSize - top;
      if (mxnetRound) {
        borrowFromNextPass(data, label, top);
      } else if (roundBatch) {
        fillByWrapping(data, label, top);
      }
    }
    return layout.batch(data, label, pad);
  }

  /**
   * {@link LastBatch#ROUND_BATCH}: completes the batch with the first records of the next pass,
   * which the next epoch goes on from; its skipped records count in that pass.
   */
  private void borrowFromNextPass(float[] data, float[] label, int top) throws IOException {
    source.reset();
    overflow = true;
    int row = top;
    while (row < batchSize) {
      RecordView r = source.nextView();
      if (r == null) {
        throw new IllegalStateException("round_batch: the last batch of the epoch has " + top
            + " records and needs " + (batchSize - top) + " more from the next pass, but that"
            + " pass held only " + (row - top) + " usable records (batchSize " + batchSize
            + "; MXNet fails here too)");
      }
      if (decode(r, data, label, row, true)) {
        row++;
      }
    }
  }

  /**
   * Completes the batch from the start of the pass the source starts next ({@link
   * RecordSource#lendNextPass()}: for a shuffled source, the pass the next epoch, or the epoch's
   * next pass, reads anyway), restarting that pass as often as needed.
   */
  private void fillByWrapping(float[] data, float[] label, int top) throws IOException {
    source.lendNextPass();
    boolean sawRecordSinceReset = false;
    while (top < batchSize) {
      RecordView r = source.nextView();
      if (r == null) {
        if (!sawRecordSinceReset) {
          throw new IllegalStateException("the record source returned no records after reset()");
        }
        source.lendNextPass();
        sawRecordSinceReset = false;
        continue;
      }
      // the pass already counted the records it skipped: the padding re-reads them
      if (decode(r, data, label, top, false)) {
        sawRecordSinceReset = true;
        top++;
      }
    }
  }

  /**
   * Converts the record into {@code row} at once (a view is valid only until the next call on
   * the source); false if it is corrupt and skipped, its row cleared again (a filler row of a
   * short last batch stays zero), and counted if {@code count}.
   */
  private boolean decode(RecordView r, float[] data, float[] label, int row, boolean count)
      throws FormatException {
    try {
      convert(r, data, label, row);
      return true;
    } catch (FormatException e) {
      if (!skipCorrupt) {
        throw e;
      }
      Arrays.fill(data, row * rowSize, (row + 1) * rowSize, 0f);
      Arrays.fill(label, row * labelWidth, (row + 1) * labelWidth, 0f);
      if (!count) {
        return false;
      }
      corruptCount++;
      String what = r.file() + "@" + r.fileOffset() + ": " + problem(e);
      if (corrupt.size() < ImageRecordIter.MAX_REPORTED) {
        corrupt.add(what);
      }
      LOG.warn("skipping corrupt image record {} ({} skipped so far)", what, corruptCount);
      return false;
    }
  }

  /** The message without its {@code file at byte offset N: } prefix. */
  private static String problem(FormatException e) {
    String prefix = e.file() + (e.offset() >= 0 ? " at byte offset " + e.offset() : "") + ": ";
    String m = e.getMessage();
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  private void convert(RecordView r, float[] data, float[] label, int row)
      throws FormatException {
    ImageRecord rec = ImageRecordHeader.unpack(r.payload(), r.file(), r.fileOffset());
    ImageRecordHeader h = rec.header();
    if (rec.contentLength() != rowSize) {
      throw new FormatException(r.file(), r.fileOffset(), "image record id "
          + Long.toUnsignedString(h.id()) + " has " + rec.contentLength()
          + " content bytes, but data shape " + dataShape + " needs " + rowSize
          + " raw uint8 pixels");
    }
    rec.contentToFloats(scale, data, row * rowSize);
    if (labelWidth == 1) {
      label[row] = h.label();
    } else {
      float[] labels = h.labels();
      if (labels == null || labels.length != labelWidth) {
        throw new FormatException(r.file(), r.fileOffset(), "image record id "
            + Long.toUnsignedString(h.id()) + " has " + Integer.toUnsignedString(h.flag())
            + " float labels, but labelWidth is " + labelWidth);
      }
      System.arraycopy(labels, 0, label, row * labelWidth, labelWidth);
    }
  }

  /**
   * Starts the next epoch at the first record of the source; with {@link LastBatch#ROUND_BATCH},
   * after an epoch whose last batch borrowed from the next pass, goes on after the borrowed
   * records instead.
   */
  @Override
  public void reset() throws IOException {
    if (overflow) {
      overflow = false;
    } else {
      source.reset();
    }
    epochDone = false;
  }

  /** Closes the record source. */
  @Override
  public void close() throws IOException {
    source.close();
  }

  /** Settings of a {@link RawImageRecordIter}; validated in {@link #build()}. */
  public static final class Builder {
    private final RecordSource source;
    private final Shape dataShape;
    private final int batchSize;
    private float scale = 1f / 255f;
    private boolean roundBatch = true;
    private LastBatch lastBatch = LastBatch.PAD;
    private int labelWidth = 1;
    private boolean skipCorrupt;

    private Builder(RecordSource source, Shape dataShape, int batchSize) {
      this.source = Objects.requireNonNull(source, "source");
      this.dataShape = Objects.requireNonNull(dataShape, "dataShape");
      this.batchSize = batchSize;
    }

    /** Multiplier from uint8 pixel to float (default {@code 1/255}). */
    public Builder scale(float scale) {
      this.scale = scale;
      return this;
    }

    /** Whether the last short batch wraps around to the start (default true). */
    public Builder roundBatch(boolean roundBatch) {
      this.roundBatch = roundBatch;
      return this;
    }

    /**
     * How a short last batch is completed when {@code roundBatch}: {@link LastBatch#PAD} (the
     * default: from the start of the same pass, every epoch restarting at the first record) or
     * {@link LastBatch#ROUND_BATCH} (MXNet's {@code round_batch} across epochs).
     */
    public Builder lastBatch(LastBatch lastBatch) {
      this.lastBatch = Objects.requireNonNull(lastBatch, "lastBatch");
      return this;
    }

    /** Labels per example (default 1). */
    public Builder labelWidth(int labelWidth) {
      this.labelWidth = labelWidth;
      return this;
    }

    /** Skip, count and report corrupt records instead of failing (default false). */
    public Builder skipCorrupt(boolean skipCorrupt) {
      this.skipCorrupt = skipCorrupt;
      return this;
    }

    /**
     * Builds the iterator.
     *
     * @throws IllegalArgumentException if the batch size or label width is below 1, the data
     *     shape is empty-sized, the scale is not finite, or {@code lastBatch} is neither
     *     {@code PAD} nor {@code ROUND_BATCH} (or {@code ROUND_BATCH} without {@code roundBatch})
     */
    public RawImageRecordIter build() {
      if (dataShape.ndim() == 0 || dataShape.size() == 0) {
        throw new IllegalArgumentException("dataShape " + dataShape
            + " must have at least one dimension and a non-zero size");
      }
      BatchLayout.check(batchSize, "batchSize", labelWidth, "labelWidth", dataShape);
      if (!Float.isFinite(scale)) {
        throw new IllegalArgumentException("scale " + scale + " must be finite");
      }
      if (lastBatch != LastBatch.PAD && lastBatch != LastBatch.ROUND_BATCH) {
        throw new IllegalArgumentException("lastBatch " + lastBatch + " is not supported by"
            + " RawImageRecordIter (PAD or ROUND_BATCH; ImageRecordIter with rawPixels(true)"
            + " has them all)");
      }
      if (!roundBatch && lastBatch == LastBatch.ROUND_BATCH) {
        throw new IllegalArgumentException("lastBatch ROUND_BATCH needs roundBatch(true)");
      }
      return new RawImageRecordIter(this);
    }
  }
}
