package org.kindling.kvstore;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.kindling.symbol.kvstore.KVStore;

/**
 * The JVM's level-1 groups, one per job and group id (decision 0025). The tasks of a group
 * are known before the first round (the caller derives them from the job's placement, never from
 * timing): each task joins with the same id and the same list of task ranks, and gets its
 * {@link GroupKVStore}. The group is released when its last task leaves.
 */
public final class DeviceGroups {
  /** The default wait for a group's slowest task before a round fails naming it. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);

  private static final Map<String, DeviceGroup> GROUPS = new HashMap<>();

  private DeviceGroups() {}

  /**
   * Joins task {@code taskRank} to the group {@code groupId} of tasks {@code taskRanks}.
   *
   * @param groupId unique per job (and attempt) and group in this JVM
   * @param type the store type the tasks see, e.g. {@code dist_device_sync} or {@code device}
   * @param taskRanks the global ranks of the group's tasks, ascending, one of them {@code
   *     taskRank}; local rank = index in this array
   * @param numWorkers the tasks of the whole job, over all groups
   * @param connect opens the group's level-2 store ({@link KVStores#connect} as the group's rank,
   *     or {@link KVStores#create}); called once, by the task that makes the group's first call
   * @throws IllegalArgumentException if {@code taskRank} is not in {@code taskRanks}, the ranks
   *     are not ascending, or another task joined {@code groupId} with other ranks
   */
  public static GroupKVStore join(String groupId, String type, int taskRank, int[] taskRanks,
      int numWorkers, Duration timeout, Supplier<KVStore> connect) {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(connect, "connect");
    for (int i = 1; i < taskRanks.length; i++) {
      if (taskRanks[i] <= taskRanks[i - 1]) {
        throw new IllegalArgumentException("level-1 group " + groupId + ": task ranks "
            + Arrays.toString(taskRanks) + " are not ascending");
      }
    }
    int local = Arrays.binarySearch(taskRanks, taskRank);
    if (local < 0) {
      throw new IllegalArgumentException("level-1 group " + groupId + ": task rank " + taskRank
          + " is not one of the group's tasks " + Arrays.toString(taskRanks));
    }
    if (taskRanks[taskRanks.length - 1] >= numWorkers || taskRanks[0] < 0) {
      throw new IllegalArgumentException("level-1 group " + groupId + ": task ranks "
          + Arrays.toString(taskRanks) + " are outside [0, " + numWorkers + ")");
    }
    DeviceGroup g;
    synchronized (GROUPS) {
      g = GROUPS.computeIfAbsent(groupId,
          k -> new DeviceGroup(k, taskRanks, timeout, connect));
      int[] theirs = new int[g.size()];
      for (int i = 0; i < theirs.length; i++) {
        theirs[i] = g.taskRank(i);
      }
      if (!Arrays.equals(theirs, taskRanks)) {
        throw new IllegalArgumentException("level-1 group " + groupId + ": task rank " + taskRank
            + " joins with tasks " + Arrays.toString(taskRanks) + " but the group was formed"
            + " with " + Arrays.toString(theirs) + "; every task must derive the same groups");
      }
    }
    return new GroupKVStore(g, type, local, numWorkers);
  }

  /** The number of groups alive in this JVM (for tests and diagnostics). */
  public static int liveGroups() {
    synchronized (GROUPS) {
      return GROUPS.size();
    }
  }

  /** A task leaves; the last one releases the group, then closes its level-2 store. */
  static void leave(DeviceGroup g, int localRank) {
    g.leave(localRank, () -> {
      synchronized (GROUPS) {
        GROUPS.remove(g.id(), g);
      }
    });
  }
}
