package org.kindling.io.image;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordSource;
import org.kindling.io.image.DecodePipeline.Decoded;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataDesc;
import org.kindling.tensor.data.DataIter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MXNet's {@code ImageRecordIter}: image records ({@code formats.md} §2) holding PNG, JPEG (or
 * other OpenCV-readable) images, or raw uint8 pixels, decoded and augmented ({@link
 * ImageAugParams}) on {@code preprocess_threads} threads and batched in record order.
 *
 * <p>Each {@link DataBatch} holds {@code data} of shape {@code (batch_size, C, H, W)} float32 and
 * {@code softmax_label} of shape {@code (batch_size,)}, or {@code (batch_size, label_width)} when
 * {@code label_width > 1}. A record with {@code flag > 0} must carry exactly {@code label_width}
 * labels; one with {@code flag == 0} gives its scalar label and needs {@code label_width == 1}
 * (MXNet's checks). The last short batch follows {@link LastBatch}: by default {@link
 * LastBatch#ROUND_BATCH}, MXNet's {@code round_batch=True}, whose epochs after the first go on
 * where the records borrowed for the last batch left off, as MXNet's do.
 *
 * <p>Random augmentation draws from a generator seeded by {@code (seed, pass, position of the
 * record in the pass)}, a pass being one read of the source from its start (the wrap-around of
 * {@link LastBatch#PAD} re-reads the same pass): the batches are the same for any thread count,
 * and differ from pass to pass. Shuffling is the source's business ({@link IndexedPartSource}
 * reshuffles through the {@code .idx} at every new pass).
 *
 * <p>A record that is not a valid image record, or whose image does not decode, stops the
 * iteration with a {@link FormatException} naming its file and offset; with {@code
 * skipCorrupt(true)} it is left out, counted ({@link #corruptCount()}) and described ({@link
 * #corruptRecords()}) instead. Not thread-safe.
 */
public final class ImageRecordIter implements DataIter, CorruptRecordCount {
  private static final Logger LOG = LoggerFactory.getLogger(ImageRecordIter.class);
  /** How many corrupt-record descriptions are kept (the count goes on). */
  static final int MAX_REPORTED = 100;

  private final ImageAugParams aug;
  private final ImageAugmenter augmenter;
  private final boolean raw;
  private final int batchSize;
  private final int labelWidth;
  private final int rowSize;
  private final LastBatch lastBatch;
  private final boolean skipCorrupt;
  private final BatchLayout layout;
  private final DecodePipeline pipeline;
  private final List<Decoded> carry = new ArrayList<>();
  private final List<String> corrupt = new ArrayList<>();
  private long corruptCount;
  private boolean epochDone;
  /**
   * {@link LastBatch#ROUND_BATCH}: the epoch's last batch borrowed from the next pass, so the
   * next {@link #reset()} goes on reading instead of rewinding (MXNet's {@code overflow}).
   */
  private boolean overflow;

  private ImageRecordIter(Builder b) {
    this.aug = b.aug;
    this.augmenter = new ImageAugmenter(b.aug);
    this.raw = b.raw;
    this.batchSize = b.batchSize;
    this.labelWidth = b.labelWidth;
    this.rowSize = b.aug.dataShape().intSize();
    this.lastBatch = b.lastBatch;
    this.skipCorrupt = b.skipCorrupt;
    this.layout = new BatchLayout(batchSize, b.aug.dataShape(), labelWidth);
    int capacity = Math.multiplyExact(b.prefetchBatches, batchSize);
    this.pipeline = new DecodePipeline(b.source, this::decode, b.threads, capacity, b.seed,
        b.firstEpoch);
  }

  /**
   * Starts a builder.
   *
   * @param source the records (a part of a split, an {@link IndexedPartSource}, ...); owned
   *     (closed) by the iterator
   * @param aug decoding and augmentation settings, with {@code data_shape}
   * @param batchSize MXNet's {@code batch_size}, at least 1
   */
  public static Builder builder(RecordSource source, ImageAugParams aug, int batchSize) {
    return new Builder(source, aug, batchSize);
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
   * pass that meets them (the padding of {@link LastBatch#PAD}, which reads the start of the
   * same pass again, does not count them again; the records {@link LastBatch#ROUND_BATCH}
   * borrows belong to the next pass and are counted there).
   */
  @Override
  public long corruptCount() {
    return corruptCount;
  }

  /** {@code file@offset: problem} of the first {@value #MAX_REPORTED} corrupt records skipped. */
  @Override
  public List<String> corruptRecords() {
    return Collections.unmodifiableList(corrupt);
  }

  /**
   * The next batch, or {@code null} at the end of the epoch.
   *
   * @throws FormatException naming the file and offset of a corrupt record (unless skipped)
   */
  @Override
  public DataBatch next() throws IOException {
    if (epochDone) {
      return null;
    }
    List<Decoded> rows = new ArrayList<>(batchSize);
    rows.addAll(carry);
    carry.clear();
    while (rows.size() < batchSize) {
      Decoded d = nextGood(true);
      if (d == null) {
        break;
      }
      rows.add(d);
    }
    int top = rows.size();
    int pad = 0;
    if (top < batchSize) {
      epochDone = true;
      if (top == 0 || lastBatch == LastBatch.DISCARD) {
        return null;
      }
      if (lastBatch == LastBatch.ROLL_OVER) {
        carry.addAll(rows);
        return null;
      }
      pad = batchSize - top;
      if (lastBatch == LastBatch.ROUND_BATCH) {
        borrowFromNextPass(rows);
      } else {
        wrapAround(rows);
      }
    }
    float[] data = layout.newData();
    float[] label = layout.newLabels();
    for (int i = 0; i < batchSize; i++) {
      layout.put(data, label, i, rows.get(i).data(), rows.get(i).label());
    }
    return layout.batch(data, label, pad);
  }

  /**
   * Completes {@code rows} with the first records of the next pass over the source, which the
   * next epoch goes on from (MXNet's {@code ImageRecordIOParser2::ParseNext} with {@code
   * round_batch}: it calls the source's {@code BeforeFirst} and reads on).
   */
  private void borrowFromNextPass(List<Decoded> rows) throws IOException {
    int top = rows.size();
    pipeline.restart(true);
    overflow = true;
    while (rows.size() < batchSize) {
      Decoded d = nextGood(true);
      if (d == null) {
        throw new IllegalStateException("round_batch: the last batch of the epoch has " + top
            + " records and needs " + (batchSize - top) + " more from the next pass, but that"
            + " pass held only " + (rows.size() - top) + " usable records (batch_size "
            + batchSize + "; MXNet fails here too: the part must hold at least batch_size"
            + " - 1 records)");
      }
      rows.add(d);
    }
  }

  /**
   * Completes {@code rows} with records from the start of the source's next pass, as often as
   * needed ({@link org.kindling.io.RecordSource#lendNextPass()}: the next epoch's reset restarts
   * that pass, so a shuffled source lends the pass it reads next).
   */
  private void wrapAround(List<Decoded> rows) throws IOException {
    boolean sawRecord = true;
    while (rows.size() < batchSize) {
      if (!sawRecord) {
        throw new IllegalStateException("the record source returned no usable record after"
            + " reset(), so the last batch cannot be padded");
      }
      pipeline.restart(false);
      sawRecord = false;
      // the pass already counted the records it skipped: the padding re-reads them
      for (Decoded d = nextGood(false); d != null && rows.size() < batchSize;
          d = nextGood(false)) {
        rows.add(d);
        sawRecord = true;
      }
    }
  }

  /**
   * The next record that decoded, skipping failures when allowed, and counting them if {@code
   * count} (not in the padding's wrap-around, which re-reads records this pass counted).
   */
  private Decoded nextGood(boolean count) throws IOException {
    while (true) {
      Decoded d = pipeline.next();
      if (d == null || !d.failed()) {
        return d;
      }
      if (!skipCorrupt) {
        throw DecodePipeline.error(d);
      }
      if (!count) {
        continue;
      }
      corruptCount++;
      String what = d.where().where() + ": " + d.error();
      if (corrupt.size() < MAX_REPORTED) {
        corrupt.add(what);
      }
      LOG.warn("skipping corrupt image record {} ({} skipped so far)", what, corruptCount);
    }
  }

  /** Runs on a pool thread: header, labels, then pixels. */
  private Decoded decode(LocatedRecord r, SplittableRandom rnd) {
    try {
      ImageRecord rec = ImageRecordHeader.unpack(r.payload(), r.file(), r.fileOffset());
      float[] label = labels(rec.header());
      float[] data = new float[rowSize];
      if (raw) {
        if (rec.contentLength() != rowSize) {
          return new Decoded(r, null, null, "image record id " + id(rec.header()) + " has "
              + rec.contentLength() + " content bytes, but data shape " + aug.dataShape()
              + " needs " + rowSize + " raw uint8 pixels");
        }
        augmenter.processRaw(rec, data);
      } else {
        // the content is the payload's tail: decoded from the record this thread owns, no copy
        byte[] payload = r.payload();
        int n = rec.contentLength();
        augmenter.process(payload, payload.length - n, n, rnd, data, 0);
      }
      return new Decoded(r, data, label, null);
    } catch (FormatException e) {
      return new Decoded(r, null, null, e.getMessage());
    } catch (ImageAugmenter.BadImageException e) {
      return new Decoded(r, null, null, "image record " + idOf(r) + ": " + e.getMessage());
    } catch (RuntimeException e) {
      return new Decoded(r, null, null, "image record " + idOf(r) + " failed: " + e);
    }
  }

  private static String idOf(LocatedRecord r) {
    try {
      return "id " + id(ImageRecordHeader.unpack(r.payload()).header());
    } catch (FormatException e) {
      return "(no header)";
    }
  }

  private static String id(ImageRecordHeader h) {
    return Long.toUnsignedString(h.id());
  }

  private float[] labels(ImageRecordHeader h) throws ImageAugmenter.BadImageException {
    float[] labels = h.labels();
    if (labels != null) {
      if (labels.length != labelWidth) {
        throw new ImageAugmenter.BadImageException("the record has " + labels.length
            + " float labels, but label_width is " + labelWidth);
      }
      return labels;
    }
    if (labelWidth != 1) {
      throw new ImageAugmenter.BadImageException("the record has a scalar label (flag 0), but"
          + " label_width is " + labelWidth);
    }
    return new float[] {h.label()};
  }

  /**
   * Starts the next epoch: a new pass over the source (reshuffled if the source shuffles) with
   * new random augmentations; records rolled over stay in front. With {@link
   * LastBatch#ROUND_BATCH}, after an epoch whose last batch borrowed from the next pass, that
   * pass is already under way and the epoch goes on with the records after the borrowed ones
   * (MXNet's {@code BeforeFirst} after an overflow); called before an epoch's end, it rewinds
   * as MXNet's does.
   */
  @Override
  public void reset() throws IOException {
    if (overflow) {
      overflow = false;
    } else {
      pipeline.restart(true);
    }
    epochDone = false;
  }

  /** Stops the decoding threads and closes the source. */
  @Override
  public void close() throws IOException {
    pipeline.close();
  }

  /** Settings of an {@link ImageRecordIter}; validated in {@link #build()}. */
  public static final class Builder {
    private final RecordSource source;
    private final ImageAugParams aug;
    private final int batchSize;
    private int labelWidth = 1;
    private LastBatch lastBatch = LastBatch.ROUND_BATCH;
    private int threads = Math.min(4, Runtime.getRuntime().availableProcessors());
    private int prefetchBatches = 2;
    private long seed;
    private long firstEpoch;
    private boolean skipCorrupt;
    private boolean raw;

    private Builder(RecordSource source, ImageAugParams aug, int batchSize) {
      this.source = Objects.requireNonNull(source, "source");
      this.aug = Objects.requireNonNull(aug, "aug");
      this.batchSize = batchSize;
    }

    /** MXNet's {@code label_width} (default 1). */
    public Builder labelWidth(int labelWidth) {
      this.labelWidth = labelWidth;
      return this;
    }

    /**
     * The last short batch (default {@link LastBatch#ROUND_BATCH}, MXNet's {@code
     * round_batch=True}; {@link LastBatch#PAD} restarts every epoch at the first record).
     */
    public Builder lastBatch(LastBatch lastBatch) {
      this.lastBatch = Objects.requireNonNull(lastBatch, "lastBatch");
      return this;
    }

    /** MXNet's {@code preprocess_threads} (default min(4, processors)). */
    public Builder preprocessThreads(int threads) {
      this.threads = threads;
      return this;
    }

    /** Batches decoded ahead of the consumer, bounding memory (default 2). */
    public Builder prefetchBatches(int prefetchBatches) {
      this.prefetchBatches = prefetchBatches;
      return this;
    }

    /** MXNet's {@code seed} of the augmentation random numbers (default 0). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * The number of the first pass (default 0; each new pass over the source adds one: every
     * {@link #reset()} that rewinds, and the borrowing of {@link LastBatch#ROUND_BATCH}), which
     * seeds the random augmentations: a job resumed at epoch {@code e} passes the number of
     * passes the uninterrupted run had made by then, and draws the same crops and flips.
     */
    public Builder firstEpoch(long firstEpoch) {
      this.firstEpoch = firstEpoch;
      return this;
    }

    /** Skip, count and report corrupt records instead of failing (default false). */
    public Builder skipCorrupt(boolean skipCorrupt) {
      this.skipCorrupt = skipCorrupt;
      return this;
    }

    /**
     * The content is raw uint8 pixels in CHW order, exactly {@code C*H*W} bytes (no decoding, no
     * resize, crop or mirror; mean, std and scale apply). Default false.
     */
    public Builder rawPixels(boolean raw) {
      this.raw = raw;
      return this;
    }

    /**
     * Builds the iterator and starts its decoding threads.
     *
     * @throws IllegalArgumentException naming the parameter if a value is out of range
     */
    public ImageRecordIter build() {
      BatchLayout.check(batchSize, "batch_size", labelWidth, "label_width", aug.dataShape());
      if (threads < 1) {
        throw new IllegalArgumentException("preprocess_threads " + threads
            + " must be at least 1");
      }
      if (firstEpoch < 0) {
        throw new IllegalArgumentException("firstEpoch " + firstEpoch + " must be >= 0");
      }
      if (prefetchBatches < 1) {
        throw new IllegalArgumentException("prefetchBatches " + prefetchBatches
            + " must be at least 1");
      }
      return new ImageRecordIter(this);
    }
  }
}
