package org.kindling.kvstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.kindling.symbol.kvstore.GradientCompression;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.kvstore.KeyGroups;
import org.kindling.symbol.kvstore.Updater;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * One task's view of a level-1 group ({@code device}, {@code dist_device_sync}; decision 0025):
 * the K tasks of a job in one JVM each hold one of these over a shared {@link DeviceGroup}, and
 * every call is collective. A push hands this task's arrays to the group; when all K have
 * pushed a key, their arrays, in task-rank order, go to the level-2 store as one push (which sums
 * them left to right in one engine operation, then sends one array); a pull makes one level-2
 * pull whose reply is written into all K tasks' outputs by one engine operation. The level-2
 * store sees one worker per group.
 *
 * <p>A many-key call ({@link #push(List, List)}, ...) is one collective too: its level-2 call
 * gets every task's key and array lists joined in task-rank order, so each key's arrays are
 * summed in task-rank order as a single-key call's are, and the level-2 store checks every key
 * before it does any. The tasks call it with the same keys.
 *
 * <p>{@link #rank()} and {@link #numWorkers()} are the task's and the job's (all tasks of all
 * groups), so a module's {@code rescale_grad} is {@code 1/(batch x all tasks)} as with {@code
 * dist_sync}, which sums the same gradients. Obtain through {@link DeviceGroups#join}.
 */
public final class GroupKVStore implements KVStore {
  private final DeviceGroup group;
  private final String type;
  private final int localRank;
  private final int numWorkers;
  private volatile boolean closed;

  GroupKVStore(DeviceGroup group, String type, int localRank, int numWorkers) {
    this.group = group;
    this.type = type;
    this.localRank = localRank;
    this.numWorkers = numWorkers;
  }

  @Override
  public String type() {
    return type;
  }

  /** This task's rank among all tasks of the job. */
  @Override
  public int rank() {
    return group.taskRank(localRank);
  }

  /** All tasks of the job, over every group. */
  @Override
  public int numWorkers() {
    return numWorkers;
  }

  /** This task's rank inside its group, in {@code [0, groupSize)}. */
  public int localRank() {
    return localRank;
  }

  /** The number of tasks in this task's group (K). */
  public int groupSize() {
    return group.size();
  }

  /**
   * The group's one array of parameter {@code name}, for {@code Module.bindParamsTo}: the K
   * tasks' modules read it (read-only sharing, ordered by the engine: a pull's write waits for
   * every task's readers issued before it, and each task's next forward is issued after the
   * pull), so a pull writes the new weights once for the group instead of once per task. The
   * group owns it and closes it when its last task leaves.
   *
   * @throws IllegalArgumentException if another task of the group bound it with another shape
   */
  public NDArray sharedParam(String name, Shape shape) {
    requireOpen();
    return group.param(name, shape);
  }

  /** The shared aggregator (for tests in this package: its level-2 store's figures). */
  DeviceGroup group() {
    return group;
  }

  /** The level-1 group's name (job and group). */
  public String groupId() {
    return group.id();
  }

  /** Every task calls it; the value of the group's local rank 0 goes to the level-2 store. */
  @Override
  public void init(String key, NDArray value) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    Reduction.requireFloat32(key, value);
    group.collective("init '" + key + "'", localRank, value, (up, values) -> {
      up.init(key, values.get(0));
      return null;
    });
  }

  /** Every task calls it; the values of the group's local rank 0 go to the level-2 store. */
  @Override
  public void init(List<String> keys, List<NDArray> values) {
    requireOpen();
    KeyGroups.of("init", keys, values, "values");
    KeyGroups.requireDistinct("init", keys);
    List<NDArray> mine = List.copyOf(values);
    group.collective("init " + keys, localRank, mine, (up, all) -> {
      up.init(keys, all.get(0));
      return null;
    });
  }

  @Override
  public void push(String key, List<NDArray> values) {
    collective("push", key, values, (up, all) -> up.push(key, all));
  }

  /** One collective: the level-2 store's {@link KVStore#push(List, List)} of all tasks' pairs. */
  @Override
  public void push(List<String> keys, List<NDArray> values) {
    collective("push", Keyed.checked("push", keys, values, "values"),
        (up, all) -> up.push(all.get(0).keys(), all.get(0).arrays()));
  }

  /**
   * One collective: the level-2 store's {@link KVStore#push(List, List, int)} of all tasks'
   * pairs (engine operations for a {@link DistKVStore}).
   */
  @Override
  public void push(List<String> keys, List<NDArray> values, int priority) {
    collective("push", Keyed.checked("push", keys, values, "values"),
        (up, all) -> up.push(all.get(0).keys(), all.get(0).arrays(), priority));
  }

  /** One collective: the level-2 store's {@link KVStore#pull(List, List)} of all tasks' pairs. */
  @Override
  public void pull(List<String> keys, List<NDArray> outs) {
    collective("pull", Keyed.checked("pull", keys, outs, "outputs"),
        (up, all) -> up.pull(all.get(0).keys(), all.get(0).arrays()));
  }

  /** One collective: the level-2 store's {@link KVStore#pull(List, List, int)}. */
  @Override
  public void pull(List<String> keys, List<NDArray> outs, int priority) {
    collective("pull", Keyed.checked("pull", keys, outs, "outputs"),
        (up, all) -> up.pull(all.get(0).keys(), all.get(0).arrays(), priority));
  }

  /** One collective: the level-2 store's {@link KVStore#pushPull(List, List, List, List)}. */
  @Override
  public void pushPull(List<String> valueKeys, List<NDArray> values, List<String> outKeys,
      List<NDArray> outs) {
    collective("pushPull", Keyed.checked("pushPull", valueKeys, values, "values"),
        Keyed.checked("pushPull", outKeys, outs, "outputs"), (up, all) -> up.pushPull(
            all.get(0).keys(), all.get(0).arrays(), all.get(1).keys(), all.get(1).arrays()));
  }

  /**
   * One collective: the level-2 store's {@link KVStore#pushPull(List, List, List, List, int)}
   * (one engine operation per key for a {@link DistKVStore}).
   */
  @Override
  public void pushPull(List<String> valueKeys, List<NDArray> values, List<String> outKeys,
      List<NDArray> outs, int priority) {
    collective("pushPull", Keyed.checked("pushPull", valueKeys, values, "values"),
        Keyed.checked("pushPull", outKeys, outs, "outputs"), (up, all) -> up.pushPull(
            all.get(0).keys(), all.get(0).arrays(), all.get(1).keys(), all.get(1).arrays(),
            priority));
  }

  /** A task's lists of a many-key call: {@code keys.get(i)} names {@code arrays.get(i)}. */
  private record Keyed(List<String> keys, List<NDArray> arrays) {
    /** Checks the lists (in every task, before the rendezvous) and copies them. */
    static Keyed checked(String call, List<String> keys, List<NDArray> arrays, String what) {
      KeyGroups.of(call, keys, arrays, what);
      return new Keyed(List.copyOf(keys), List.copyOf(arrays));
    }
  }

  /** A level-2 call of the lists of all tasks joined in task-rank order. */
  @FunctionalInterface
  private interface Level2Many {
    void call(KVStore upstream, List<Keyed> joined);
  }

  /**
   * One collective many-key call with this task's lists (one or two: values, then outputs);
   * {@code level2} gets each list joined over the tasks in task-rank order.
   */
  private void collective(String call, Keyed first, Keyed second, Level2Many level2) {
    requireOpen();
    List<Keyed> mine = second == null ? List.of(first) : List.of(first, second);
    String what = call + " " + first.keys() + (second == null ? "" : " -> " + second.keys());
    group.collective(what, localRank, mine, (up, all) -> {
      List<Keyed> joined = new ArrayList<>();
      for (int i = 0; i < mine.size(); i++) {
        List<String> keys = new ArrayList<>();
        List<NDArray> arrays = new ArrayList<>();
        for (List<Keyed> task : all) {
          keys.addAll(task.get(i).keys());
          arrays.addAll(task.get(i).arrays());
        }
        joined.add(new Keyed(keys, arrays));
      }
      level2.call(up, joined);
      return null;
    });
  }

  private void collective(String call, Keyed only, Level2Many level2) {
    collective(call, only, null, level2);
  }

  @Override
  public void pull(String key, List<NDArray> outs) {
    collective("pull", key, outs, (up, all) -> up.pull(key, all));
  }

  /**
   * The collective push; the group's one level-2 push is {@code upstream.push(key, all tasks'
   * arrays, priority)}, an engine operation for a {@link DistKVStore}, so this returns once every
   * task has issued it.
   */
  @Override
  public void push(String key, List<NDArray> values, int priority) {
    collective("push", key, values, (up, all) -> up.push(key, all, priority));
  }

  /**
   * The collective pull; the group's one level-2 pull writes every task's outputs, as an
   * engine operation for a {@link DistKVStore}.
   */
  @Override
  public void pull(String key, List<NDArray> outs, int priority) {
    collective("pull", key, outs, (up, all) -> up.pull(key, all, priority));
  }

  /**
   * One collective call of a key with this task's arrays; {@code level2} gets the level-2 store
   * and every task's arrays in task-rank order.
   */
  private void collective(String call, String key, List<NDArray> arrays,
      BiConsumer<KVStore, List<NDArray>> level2) {
    requireOpen();
    List<NDArray> mine = List.copyOf(arrays);
    group.collective(call + " '" + key + "'", localRank, mine, (up, all) -> {
      level2.accept(up, flatten(all));
      return null;
    });
  }

  @Override
  public void pushPull(String key, List<NDArray> values, List<NDArray> outs) {
    collectivePushPull(key, values, outs, (up, ins, outAll) -> up.pushPull(key, ins, outAll));
  }

  /**
   * The collective push and pull of a key; the group's one level-2 call is {@code
   * upstream.pushPull(key, all tasks' values, all tasks' outputs, priority)}, one engine
   * operation for a {@link DistKVStore}, so this returns once every task has issued it.
   */
  @Override
  public void pushPull(String key, List<NDArray> values, List<NDArray> outs, int priority) {
    collectivePushPull(key, values, outs,
        (up, ins, outAll) -> up.pushPull(key, ins, outAll, priority));
  }

  /** A level-2 push and pull of every task's values and outputs, in task-rank order. */
  @FunctionalInterface
  private interface Level2PushPull {
    void call(KVStore upstream, List<NDArray> values, List<NDArray> outs);
  }

  private void collectivePushPull(String key, List<NDArray> values, List<NDArray> outs,
      Level2PushPull level2) {
    requireOpen();
    List<List<NDArray>> mine = List.of(List.copyOf(values), List.copyOf(outs));
    group.collective("pushPull '" + key + "'", localRank, mine, (up, all) -> {
      List<List<NDArray>> ins = new ArrayList<>();
      List<List<NDArray>> outAll = new ArrayList<>();
      for (List<List<NDArray>> m : all) {
        ins.add(m.get(0));
        outAll.add(m.get(1));
      }
      level2.call(up, flatten(ins), flatten(outAll));
      return null;
    });
  }

  /** Every task calls it; local rank 0's optimizer goes to the level-2 store. */
  @Override
  public void setOptimizer(Optimizer optimizer) {
    requireOpen();
    Objects.requireNonNull(optimizer, "optimizer");
    group.collective("setOptimizer", localRank, optimizer, (up, opts) -> {
      up.setOptimizer(opts.get(0));
      return null;
    });
  }

  /**
   * Every task calls it; local rank 0's updater goes to the level-2 store, which applies it to
   * the group's sum of a key once per push ({@code device}: a {@link LocalKVStore}, MXNet's
   * device store calls its updater on the merged value).
   *
   * @throws UnsupportedOperationException in every task, before the rendezvous, for a {@code
   *     dist} type: the servers update, and take an optimizer ({@link #setOptimizer})
   */
  @Override
  public void setUpdater(Updater updater) {
    requireOpen();
    Objects.requireNonNull(updater, "updater");
    if (type.toLowerCase(Locale.ROOT).contains("dist")) {
      throw new UnsupportedOperationException(DistKVStore.noUpdater(type));
    }
    group.collective("setUpdater", localRank, updater, (up, all) -> {
      up.setUpdater(all.get(0));
      return null;
    });
  }

  /**
   * Every task calls it; local rank 0's parameters go to the level-2 store, which compresses the
   * group's pushes: {@code dist_device_sync} quantizes the group's sum once against one residual
   * per key (MXNet's dist stores compress after the device reduce), {@code device} quantizes
   * each task's array against its own residual (MXNet's {@code CommDevice}).
   *
   * @throws IllegalArgumentException naming a bad parameter (in every task, before the rendezvous)
   */
  @Override
  public void setGradientCompression(Map<String, String> params) {
    requireOpen();
    GradientCompression.parse(params);
    Map<String, String> mine = Map.copyOf(params);
    group.collective("setGradientCompression", localRank, mine, (up, all) -> {
      up.setGradientCompression(all.get(0));
      return null;
    });
  }

  /** Waits for the group's tasks, then the level-2 barrier (all groups). */
  @Override
  public void barrier() {
    requireOpen();
    group.collective("barrier", localRank, null, (up, none) -> {
      up.barrier();
      return null;
    });
  }

  /**
   * Sends a text message to the driver's {@link MessageListener} over the group's connection,
   * marked with this task's rank ({@link TaskMessage#parse} recovers it), and returns after the
   * listener has handled it. Not collective.
   *
   * @throws IllegalStateException if the group's level-2 store is not the driver's server
   * @throws KVStoreException if the listener failed or the server cannot be reached
   */
  public void sendMessage(String text) {
    requireOpen();
    Objects.requireNonNull(text, "text");
    if (!(group.upstream() instanceof DistKVStore dist)) {
      throw new IllegalStateException("the " + type + " store has no server to send messages to");
    }
    dist.sendMessage(TaskMessage.wrap(rank(), text));
  }

  /**
   * This task failed: the group's waiting and later calls fail at once naming it (instead of
   * waiting for a task that will never arrive). Call before {@link #close()}.
   */
  public void fail(Throwable cause) {
    group.fail(localRank, cause);
  }

  /**
   * Leaves the group; the last task to leave closes the level-2 store and releases the group.
   * Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    DeviceGroups.leave(group, localRank);
  }

  private static List<NDArray> flatten(List<List<NDArray>> perTask) {
    List<NDArray> flat = new ArrayList<>();
    for (List<NDArray> l : perTask) {
      flat.addAll(l);
    }
    return flat;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the " + type + " kvstore of task rank " + rank()
          + " is closed");
    }
  }

  @Override
  public String toString() {
    return "GroupKVStore{type=" + type + ", group=" + group.id() + ", rank=" + rank()
        + ", localRank=" + localRank + "/" + group.size() + ", numWorkers=" + numWorkers + "}";
  }
}
