package org.kindling.kvstore;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.kindling.symbol.kvstore.GradientCompression;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.engine.Var;

/**
 * The in-process store ({@code local}, {@code device} and their variants, formats.md §5.1): one
 * private copy per key, pushes summed by {@link Reduction}, then the optimizer or assignment,
 * pulls copied out. Every data movement is an engine operation, so calls return at once and
 * readers of pulled arrays wait on their variables as usual. Methods are synchronized only to
 * guard the key map; none of them blocks on data.
 */
final class LocalKVStore implements KVStore {
  private static final class Entry {
    final NDArray stored;
    NDArray merge;

    Entry(NDArray stored) {
      this.stored = stored;
    }
  }

  private final String type;
  private final Map<String, Entry> entries = new HashMap<>();
  private Optimizer optimizer;
  private GradientCompression compression = GradientCompression.NONE;
  private final Residuals residuals = new Residuals();
  private boolean closed;

  LocalKVStore(String type) {
    this.type = type;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public int rank() {
    return 0;
  }

  @Override
  public int numWorkers() {
    return 1;
  }

  @Override
  public synchronized void init(String key, NDArray value) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    Reduction.requireFloat32(key, value);
    if (entries.containsKey(key)) {
      throw new IllegalStateException(
          "key '" + key + "' was already initialized; each key may be initialized once");
    }
    entries.put(key, new Entry(value.copy()));
  }

  @Override
  public synchronized void push(String key, List<NDArray> values) {
    Entry e = require(key);
    Reduction.requireShapes(key, e.stored.shape(), values, "push values");
    Optimizer opt = optimizer;
    if (compression.enabled()) {
      pushCompressed(key, e, values, opt);
      return;
    }
    if (opt == null) {
      Reduction.sumInto(values, e.stored); // assign, not accumulate (formats.md §5.1)
      return;
    }
    NDArray grad = values.get(0);
    if (values.size() > 1) {
      if (e.merge == null) {
        e.merge = NDArray.zeros(e.stored.shape());
      }
      Reduction.sumInto(values, e.merge);
      grad = e.merge;
    }
    opt.update(key, e.stored, grad);
  }

  /**
   * MXNet's {@code CommDevice::ReduceCompressed}: each pushed array (one per device) is quantized
   * against its own residual, dequantized, and the results are summed left to right; then the
   * optimizer or assignment as for an uncompressed push.
   */
  private void pushCompressed(String key, Entry e, List<NDArray> values, Optimizer opt) {
    if (e.merge == null) {
      e.merge = NDArray.zeros(e.stored.shape());
    }
    NDArray merge = e.merge;
    List<NDArray> inputs = List.copyOf(values);
    List<Var> reads = new ArrayList<>();
    for (NDArray v : inputs) {
      if (!reads.contains(v.var())) {
        reads.add(v.var());
      }
    }
    float t = compression.threshold();
    int n = merge.shape().intSize();
    // the residuals are touched only by this operation, which writes merge: the engine orders
    // the pushes of a key through merge's variable
    merge.engine().push("kvstore-2bit " + key, () -> {
      FloatBuffer out = merge.floatBuffer();
      for (int i = 0; i < inputs.size(); i++) {
        ByteBuffer codes = residuals.quantize(key, i, inputs.get(i).floatBuffer(), n, t);
        TwoBitCodec.dequantize(codes, 0, out, n, t, i > 0);
      }
    }, reads, List.of(merge.var()));
    if (opt == null) {
      merge.copyTo(e.stored);
    } else {
      opt.update(key, e.stored, merge);
    }
  }

  /**
   * Compresses later pushes (MXNet's {@code set_gradient_compression}); MXNet allows it for
   * {@code device} stores, not {@code local}. Residuals start at zero whenever it changes.
   *
   * @throws IllegalArgumentException naming a bad parameter
   * @throws UnsupportedOperationException for a store whose type does not contain "device", or
   *     for {@code fp16}
   */
  @Override
  public synchronized void setGradientCompression(Map<String, String> params) {
    requireOpen();
    GradientCompression gc = GradientCompression.parse(params);
    if (!type.toLowerCase(Locale.ROOT).contains("device")) {
      throw new UnsupportedOperationException("gradient compression is not supported for"
          + " kvstore type '" + type + "' (MXNet compresses for device and dist stores only)");
    }
    if (gc.type() == GradientCompression.Type.FP16) {
      throw new UnsupportedOperationException("fp16 is a transport of the dist stores (pushes"
          + " and pulls to the server as float16); a '" + type + "' store sums in memory");
    }
    for (Entry e : entries.values()) {
      if (e.merge != null) {
        e.merge.waitToWrite(); // no compressed push of the old setting still uses a residual
      }
    }
    residuals.clear();
    compression = gc;
  }

  @Override
  public synchronized void pull(String key, List<NDArray> outs) {
    Entry e = require(key);
    Reduction.requireShapes(key, e.stored.shape(), outs, "pull outputs");
    for (NDArray out : outs) {
      e.stored.copyTo(out);
    }
  }

  @Override
  public synchronized void setOptimizer(Optimizer optimizer) {
    requireOpen();
    this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
  }

  /** A single process has nobody to wait for. */
  @Override
  public void barrier() {}

  @Override
  public synchronized void close() {
    closed = true;
    entries.clear();
    residuals.clear();
  }

  private Entry require(String key) {
    requireOpen();
    Entry e = entries.get(key);
    if (e == null) {
      throw new IllegalStateException("key '" + key + "' was not initialized; call init first");
    }
    return e;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the " + type + " kvstore is closed");
    }
  }

  @Override
  public String toString() {
    return "LocalKVStore{type=" + type + ", keys=" + entries.size() + "}";
  }
}
