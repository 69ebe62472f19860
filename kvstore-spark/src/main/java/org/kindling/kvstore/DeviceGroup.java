package org.kindling.kvstore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * The level-1 aggregator of one job inside one JVM: the K training tasks of a group meet here
 * for every store call, and one call to the level-2 store ({@code upstream}) serves them all
 * (decision 0025). Each call is a collective: every member arrives with its contribution, the
 * last to arrive runs the action with the contributions in local-rank order (so a sum never
 * depends on arrival order), and every member gets the action's outcome.
 *
 * <p>Members run the same sequence of store calls (they run the same training loop), so one
 * rendezvous per call name ({@code push 'fc1_weight'}, {@code barrier}, ...) is enough. A
 * member that fails or leaves fails every round that needs it at once, naming its task; a
 * round that waits longer than {@code timeout} fails naming the members still missing.
 */
final class DeviceGroup {
  /** One collective call in progress. */
  private static final class Rendezvous {
    final Object[] contributions;
    final boolean[] arrived;
    int count;
    boolean done;
    Object result;
    RuntimeException failure;
    int actor = -1;

    Rendezvous(int size) {
      contributions = new Object[size];
      arrived = new boolean[size];
    }
  }

  private final String id;
  private final int[] taskRanks;
  private final Duration timeout;
  private final Supplier<KVStore> connect;
  private final Map<String, Rendezvous> open = new HashMap<>();
  private final boolean[] left;
  private int leftCount;
  private KVStoreException failure;
  private KVStore upstream;
  /** The parameter arrays the members bind to ({@link #param}); closed when the last leaves. */
  private final Map<String, NDArray> params = new HashMap<>();

  /**
   * @param id the group's name in messages (job and group)
   * @param taskRanks the global task rank of each local rank, ascending
   * @param connect opens the level-2 store, called once by the first member that needs it
   */
  DeviceGroup(String id, int[] taskRanks, Duration timeout, Supplier<KVStore> connect) {
    this.id = id;
    this.taskRanks = taskRanks.clone();
    this.timeout = timeout;
    this.connect = connect;
    this.left = new boolean[taskRanks.length];
  }

  int size() {
    return taskRanks.length;
  }

  int taskRank(int localRank) {
    return taskRanks[localRank];
  }

  String id() {
    return id;
  }

  /**
   * Runs one collective call: waits until every member has called {@code what} with its
   * {@code contribution}; the last one runs {@code action} on the contributions in local-rank
   * order with the level-2 store; every member returns its result or throws its failure.
   *
   * @throws KVStoreException if the action failed, a member failed or left, or the round timed
   *     out; the message names the group, the call and the tasks
   */
  @SuppressWarnings("unchecked")
  <C, R> R collective(String what, int localRank, C contribution,
      ActionOnUpstream<C, R> action) {
    Rendezvous r;
    synchronized (this) {
      requireUsable(what);
      r = open.computeIfAbsent(what, k -> new Rendezvous(size()));
      if (r.arrived[localRank]) {
        throw new IllegalStateException(describe(what) + ": task rank " + taskRanks[localRank]
            + " called it twice before the group's round completed");
      }
      r.arrived[localRank] = true;
      r.contributions[localRank] = contribution;
      r.count++;
      if (r.count < size()) {
        return (R) awaitDone(what, r);
      }
      open.remove(what); // the next call of `what` is the next round
      r.actor = localRank;
    }
    Object result = null;
    RuntimeException err = null;
    try {
      List<C> inOrder = new ArrayList<>();
      for (Object c : r.contributions) {
        inOrder.add((C) c);
      }
      result = action.apply(upstream(), inOrder);
    } catch (RuntimeException e) {
      err = e;
    }
    synchronized (this) {
      r.done = true;
      r.result = result;
      r.failure = err;
      notifyAll();
    }
    if (err != null) {
      throw err;
    }
    return (R) result;
  }

  /** The level-2 call of a collective: gets the store and the contributions in rank order. */
  @FunctionalInterface
  interface ActionOnUpstream<C, R> {
    R apply(KVStore upstream, List<C> contributions);
  }

  private Object awaitDone(String what, Rendezvous r) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!r.done) {
      requireUsable(what, r);
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        // no prefix: requireUsable adds the group and the call
        fail(new KVStoreException("the round waited " + timeout.toMillis() + " ms for task"
            + " rank(s) " + missing(r) + " of the group after task rank(s) " + present(r) + " had"
            + " arrived; the tasks of a group make the same store calls, so a task that stopped"
            + " (stuck, or out of step) fails the round"));
        requireUsable(what, r);
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KVStoreException(describe(what) + ": interrupted while waiting for task rank(s) "
            + missing(r));
      }
    }
    if (r.failure != null) {
      throw new KVStoreException(describe(what) + " failed in task rank " + taskRanks[r.actor]
          + ", which made the group's call: " + r.failure.getMessage(), r.failure);
    }
    return r.result;
  }

  /** Before joining a round: the group has not failed and nobody left. */
  private void requireUsable(String what) {
    if (failure != null) {
      throw new KVStoreException(describe(what) + ": " + failure.getMessage(), failure);
    }
    if (leftCount > 0) {
      throw new KVStoreException(describe(what) + ": task rank(s) " + leftRanks() + " already"
          + " closed their store; every task of the group must make the same calls");
    }
  }

  /** While waiting: a member the round still needs failed or left. */
  private void requireUsable(String what, Rendezvous r) {
    if (failure != null) {
      throw new KVStoreException(describe(what) + ": " + failure.getMessage(), failure);
    }
    List<Integer> gone = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      if (left[i] && !r.arrived[i]) {
        gone.add(taskRanks[i]);
      }
    }
    if (!gone.isEmpty()) {
      throw new KVStoreException(describe(what) + ": task rank(s) " + gone
          + " closed their store before joining this round");
    }
  }

  /**
   * A member's task failed: every waiting and later call of the group fails at once with a
   * message naming that task and its cause. The first failure wins.
   */
  synchronized void fail(int localRank, Throwable cause) {
    fail(new KVStoreException("task rank " + taskRanks[localRank] + " of level-1 group " + id
        + " failed: " + cause, cause));
  }

  private synchronized void fail(KVStoreException e) {
    if (failure == null) {
      failure = e;
    }
    notifyAll();
  }

  /**
   * The group's array of parameter {@code name}, made (zeroed) by the first member that binds it:
   * every member's module reads this one array, and a pull writes it once for all.
   *
   * @throws IllegalArgumentException if a member asks for another shape than the first did
   */
  synchronized NDArray param(String name, Shape shape) {
    NDArray a = params.computeIfAbsent(name, k -> NDArray.zeros(shape));
    if (!a.shape().equals(shape)) {
      throw new IllegalArgumentException(describe("parameter '" + name + "'") + ": a task binds"
          + " it as " + shape + " but the group's array is " + a.shape() + "; the tasks of a"
          + " group must train the same network");
    }
    return a;
  }

  /**
   * A member leaves. Rounds still waiting for it fail; the last member to leave runs {@code
   * onLast} (the registry forgets the group), then closes the level-2 store and the parameter
   * arrays (whose memory returns after the engine's last operation on them).
   */
  void leave(int localRank, Runnable onLast) {
    KVStore toClose;
    List<NDArray> paramsToClose;
    synchronized (this) {
      if (left[localRank]) {
        return;
      }
      left[localRank] = true;
      leftCount++;
      notifyAll();
      if (leftCount < size()) {
        return;
      }
      toClose = upstream;
      upstream = null;
      paramsToClose = new ArrayList<>(params.values());
      params.clear();
    }
    onLast.run();
    try {
      if (toClose != null) {
        toClose.close();
      }
    } finally {
      paramsToClose.forEach(NDArray::close);
    }
  }

  /** The level-2 store, opened by the first caller. */
  synchronized KVStore upstream() {
    if (upstream == null) {
      upstream = connect.get();
    }
    return upstream;
  }

  private String describe(String what) {
    return "level-1 group " + id + ", " + what;
  }

  private List<Integer> missing(Rendezvous r) {
    List<Integer> m = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      if (!r.arrived[i]) {
        m.add(taskRanks[i]);
      }
    }
    return m;
  }

  private List<Integer> present(Rendezvous r) {
    List<Integer> m = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      if (r.arrived[i]) {
        m.add(taskRanks[i]);
      }
    }
    return m;
  }

  private List<Integer> leftRanks() {
    List<Integer> m = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      if (left[i]) {
        m.add(taskRanks[i]);
      }
    }
    return m;
  }
}
