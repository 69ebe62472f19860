package org.kindling.tensor.data;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * Batches of in-memory arrays, as MXNet's {@code mx.io.NDArrayIter}: every data and label array
 * holds one sample per row of axis 0, and batch {@code k} of an epoch holds the samples at
 * positions {@code [k * batchSize, (k + 1) * batchSize)} of the epoch's sample order.
 *
 * <p><b>Names and order.</b> One array is named {@code dataName} ({@code data}) or {@code
 * labelName} ({@code softmax_label}); several unnamed arrays are named {@code _0_data}, {@code
 * _1_data}, ... as MXNet names them; named arrays keep their names. As in MXNet, the arrays of a
 * batch (and the descriptors) are sorted by name, so {@code _10_data} comes before {@code
 * _2_data}.
 *
 * <p><b>Shuffle.</b> With {@link Builder#shuffle(long)} the sample order is drawn anew from a
 * {@link Random} with that seed when the iterator is built and at every {@link #reset()}, as MXNet
 * reshuffles at every reset: the same seed gives the same sequence of epochs.
 *
 * <p><b>The last batch</b> ({@link LastBatchHandle}): when the samples left at the end of an
 * epoch do not fill a batch, {@code PAD} fills it with samples from the start of the epoch's
 * order (wrapping around as often as needed) and reports the filler rows in {@link
 * DataBatch#pad()}; {@code DISCARD} drops them; {@code ROLL_OVER} ends the epoch without them and
 * puts them first in the first batch after the next {@link #reset()}, completed with the new
 * epoch's first samples (a reset before that batch was taken, like {@link #hardReset()}, drops
 * them, as in MXNet). One difference from MXNet: that rolled-over batch reports {@code pad == 0},
 * because all its rows are real samples; MXNet reports the number of rolled-over samples, which
 * would make Kindling's metrics (which skip padded rows) ignore them.
 *
 * <p><b>Arrays.</b> The source arrays stay the caller's: they must remain open while the iterator
 * is used, and the iterator never closes them. Each batch gets new arrays from the storage pool,
 * filled by one engine operation per array that reads the source (so it waits for pending writes
 * to it); the caller closes the batch. Not thread-safe.
 */
public final class NDArrayIter implements DataIter {
  /** What to do with samples that do not fill the last batch, MXNet's {@code last_batch_handle}. */
  public enum LastBatchHandle {
    /** Fill the batch with samples from the start; {@code pad} counts them (MXNet's default). */
    PAD,
    /** Drop the samples. */
    DISCARD,
    /** Keep the samples for the first batch after the next {@link #reset()}. */
    ROLL_OVER
  }

  private static final int[] NONE = new int[0];

  private final List<Source> data;
  private final List<Source> label;
  private final List<DataDesc> provideData;
  private final List<DataDesc> provideLabel;
  private final int batchSize;
  private final int numData;
  private final LastBatchHandle lastBatchHandle;
  /** Null when not shuffling. */
  private final Random random;
  /** Position in the epoch -> sample (row of the sources). */
  private final int[] order;
  private int cursor;
  /** Samples rolled over from the last epoch, first in the next batch. */
  private int[] carry = NONE;
  private boolean epochDone;
  private boolean closed;

  private record Source(String name, NDArray array, int rowBytes, Shape batchShape) {}

  private NDArrayIter(Builder b, TreeMap<String, NDArray> data, TreeMap<String, NDArray> label) {
    this.batchSize = b.batchSize;
    this.lastBatchHandle = b.lastBatchHandle;
    this.numData = data.firstEntry().getValue().shape().get(0);
    this.data = sources(data, batchSize);
    this.label = sources(label, batchSize);
    this.provideData = descriptors(this.data);
    this.provideLabel = descriptors(this.label);
    this.random = b.shuffle ? new Random(b.seed) : null;
    this.order = new int[numData];
    Arrays.setAll(order, i -> i);
    shuffle();
  }

  /** Starts a builder for one data array, named {@code data} unless {@link Builder#dataName}. */
  public static Builder builder(NDArray data) {
    return new Builder(new Inputs(List.of(data), null));
  }

  /**
   * Starts a builder for several data arrays, named {@code _0_data}, {@code _1_data}, ... (or
   * {@code data} if the list has one array).
   */
  public static Builder builder(List<NDArray> data) {
    return new Builder(new Inputs(List.copyOf(data), null));
  }

  /** Starts a builder for named data arrays (name = the symbol argument each feeds). */
  public static Builder builder(Map<String, NDArray> data) {
    return new Builder(new Inputs(null, Map.copyOf(data)));
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public List<DataDesc> provideData() {
    return provideData;
  }

  @Override
  public List<DataDesc> provideLabel() {
    return provideLabel;
  }

  /** Number of samples (rows of axis 0 of every array). */
  public int numData() {
    return numData;
  }

  /**
   * The next batch, or {@code null} at the end of the epoch.
   *
   * @throws IllegalStateException if the iterator or one of the source arrays is closed
   */
  @Override
  public DataBatch next() {
    requireOpen();
    if (epochDone) {
      return null;
    }
    int[] rows = new int[batchSize];
    int real = carry.length;
    System.arraycopy(carry, 0, rows, 0, real);
    carry = NONE;
    int take = Math.min(batchSize - real, numData - cursor);
    System.arraycopy(order, cursor, rows, real, take);
    cursor += take;
    real += take;
    if (real == batchSize) {
      return batch(rows, 0);
    }
    epochDone = true;
    if (real == 0) {
      return null;
    }
    switch (lastBatchHandle) {
      case PAD -> {
        for (int j = real; j < batchSize; j++) {
          rows[j] = order[(j - real) % numData];
        }
        return batch(rows, batchSize - real);
      }
      case ROLL_OVER -> carry = Arrays.copyOf(rows, real);
      case DISCARD -> { }
    }
    return null;
  }

  /**
   * Starts the next epoch: reshuffles if shuffling and, with {@code ROLL_OVER}, keeps the samples
   * left over by the epoch that just ended for the first batch.
   */
  @Override
  public void reset() {
    requireOpen();
    // only an epoch that ended by rolling samples over hands them on; a second reset drops them
    if (!epochDone) {
      carry = NONE;
    }
    shuffle();
    cursor = 0;
    epochDone = false;
  }

  /** Starts the next epoch without any rolled-over samples (MXNet's {@code hard_reset}). */
  public void hardReset() {
    requireOpen();
    carry = NONE;
    shuffle();
    cursor = 0;
    epochDone = false;
  }

  /** Ends the iterator; the source arrays are not closed. */
  @Override
  public void close() {
    closed = true;
  }

  private void shuffle() {
    if (random == null) {
      return;
    }
    for (int i = numData - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  private DataBatch batch(int[] rows, int pad) {
    List<NDArray> d = new ArrayList<>(data.size());
    List<NDArray> l = new ArrayList<>(label.size());
    try {
      for (Source s : data) {
        d.add(gather(s, rows));
      }
      for (Source s : label) {
        l.add(gather(s, rows));
      }
    } catch (RuntimeException e) {
      d.forEach(NDArray::close);
      l.forEach(NDArray::close);
      throw e;
    }
    return new DataBatch(d, l, pad);
  }

  /** A new batch array holding source rows {@code rows}, filled by one engine operation. */
  private static NDArray gather(Source s, int[] rows) {
    ByteBuffer from = s.array.byteBuffer();
    NDArray out = NDArray.empty(s.batchShape, s.array.dtype());
    ByteBuffer to = out.byteBuffer();
    int rowBytes = s.rowBytes;
    out.engine().push("NDArrayIter.batch", () -> {
      for (int i = 0; i < rows.length; i++) {
        to.put(i * rowBytes, from, rows[i] * rowBytes, rowBytes);
      }
    }, List.of(s.array.var()), List.of(out.var()));
    return out;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the NDArrayIter is closed");
    }
  }

  private static List<Source> sources(TreeMap<String, NDArray> arrays, int batchSize) {
    List<Source> out = new ArrayList<>(arrays.size());
    arrays.forEach((name, a) -> {
      int[] dims = a.shape().dims();
      dims[0] = batchSize;
      int rowBytes = Math.toIntExact(a.shape().sizeFrom(1) * a.dtype().byteSize());
      out.add(new Source(name, a, rowBytes, Shape.of(dims)));
    });
    return List.copyOf(out);
  }

  private static List<DataDesc> descriptors(List<Source> sources) {
    return sources.stream()
        .map(s -> new DataDesc(s.name, s.batchShape, s.array.dtype()))
        .toList();
  }

  /** Arrays as given: a list to be named, or named already. */
  private record Inputs(List<NDArray> list, Map<String, NDArray> named) {
    /** MXNet's {@code _init_data}: names, sorted. */
    TreeMap<String, NDArray> byName(String defaultName) {
      TreeMap<String, NDArray> out = new TreeMap<>();
      if (named != null) {
        out.putAll(named);
      } else if (list.size() == 1) {
        out.put(defaultName, list.get(0));
      } else {
        for (int i = 0; i < list.size(); i++) {
          out.put("_" + i + "_" + defaultName, list.get(i));
        }
      }
      return out;
    }
  }

  /** Settings of an {@link NDArrayIter}; validated by {@link #build()}. */
  public static final class Builder {
    private final Inputs data;
    private Inputs label = new Inputs(List.of(), null);
    private int batchSize = 1;
    private boolean shuffle;
    private long seed;
    private LastBatchHandle lastBatchHandle = LastBatchHandle.PAD;
    private String dataName = DataDesc.DEFAULT_DATA_NAME;
    private String labelName = DataDesc.DEFAULT_LABEL_NAME;

    private Builder(Inputs data) {
      this.data = data;
    }

    /** One label array, named {@code softmax_label} unless {@link #labelName}. */
    public Builder label(NDArray label) {
      this.label = new Inputs(List.of(label), null);
      return this;
    }

    /** Several label arrays, named {@code _0_softmax_label}, ... (one: {@code softmax_label}). */
    public Builder label(List<NDArray> label) {
      this.label = new Inputs(List.copyOf(label), null);
      return this;
    }

    /** Named label arrays. */
    public Builder label(Map<String, NDArray> label) {
      this.label = new Inputs(null, Map.copyOf(label));
      return this;
    }

    /** Rows per batch (default 1, as MXNet). */
    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** Shuffles the samples at build and at every reset, from a {@link Random} with this seed. */
    public Builder shuffle(long seed) {
      this.shuffle = true;
      this.seed = seed;
      return this;
    }

    /** What to do with the samples that do not fill the last batch (default {@code PAD}). */
    public Builder lastBatchHandle(LastBatchHandle lastBatchHandle) {
      this.lastBatchHandle = Objects.requireNonNull(lastBatchHandle, "lastBatchHandle");
      return this;
    }

    /** Name (or name suffix) of unnamed data arrays (default {@code data}). */
    public Builder dataName(String dataName) {
      this.dataName = Objects.requireNonNull(dataName, "dataName");
      return this;
    }

    /** Name (or name suffix) of unnamed label arrays (default {@code softmax_label}). */
    public Builder labelName(String labelName) {
      this.labelName = Objects.requireNonNull(labelName, "labelName");
      return this;
    }

    /**
     * Builds the iterator (shuffling the first epoch if asked).
     *
     * @throws IllegalArgumentException if there is no data array, the batch size is below 1, an
     *     array is a scalar or has no rows, arrays differ in their number of rows (axis 0), or a
     *     name is used twice; each message names the array
     * @throws IllegalStateException if an array is closed
     */
    public NDArrayIter build() {
      if (batchSize < 1) {
        throw new IllegalArgumentException("NDArrayIter: batchSize " + batchSize
            + " must be at least 1");
      }
      TreeMap<String, NDArray> d = data.byName(dataName);
      TreeMap<String, NDArray> l = label.byName(labelName);
      if (d.isEmpty()) {
        throw new IllegalArgumentException("NDArrayIter: no data array given");
      }
      String firstName = d.firstKey();
      NDArray first = d.firstEntry().getValue();
      check("data", firstName, first, -1, firstName);
      int rows = first.shape().get(0);
      d.forEach((name, a) -> check("data", name, a, rows, firstName));
      for (Map.Entry<String, NDArray> e : l.entrySet()) {
        if (d.containsKey(e.getKey())) {
          throw new IllegalArgumentException("NDArrayIter: the name '" + e.getKey()
              + "' is used by a data array and a label array; give them distinct names");
        }
        check("label", e.getKey(), e.getValue(), rows, firstName);
      }
      return new NDArrayIter(this, d, l);
    }

    private static void check(String kind, String name, NDArray a, int rows, String firstName) {
      if (a.isClosed()) {
        throw new IllegalStateException("NDArrayIter: " + kind + " array '" + name
            + "' is closed; keep the source arrays open while the iterator is used");
      }
      if (a.shape().ndim() == 0 || a.shape().get(0) == 0) {
        throw new IllegalArgumentException("NDArrayIter: " + kind + " array '" + name
            + "' has shape " + a.shape() + "; it needs one row per sample along axis 0");
      }
      if (rows >= 0 && a.shape().get(0) != rows) {
        throw new IllegalArgumentException("NDArrayIter: " + kind + " array '" + name + "' has "
            + a.shape().get(0) + " rows along axis 0, but data array '" + firstName + "' has "
            + rows + "; every array needs one row per sample");
      }
    }
  }
}
