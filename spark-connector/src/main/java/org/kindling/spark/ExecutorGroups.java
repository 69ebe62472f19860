package org.kindling.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;

/**
 * The level-1 groups of a training stage ({@code dist_device_sync}, decision 0025): the tasks
 * running in one executor JVM form a group. The driver fixes the number of groups before the
 * stage from the executors' task slots (the server's worker count); each task derives the groups
 * from the barrier stage's task addresses (one address per executor), so all tasks agree without
 * any timing, and a placement that does not give the expected groups fails at once.
 */
final class ExecutorGroups {
  private static final Pattern LOCAL_CLUSTER =
      Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*]");

  private final int[] groupOfRank;
  private final List<int[]> ranks;

  private ExecutorGroups(int[] groupOfRank, List<int[]> ranks) {
    this.groupOfRank = groupOfRank;
    this.ranks = ranks;
  }

  /**
   * Groups from the executor address of every task (index = task rank): group g holds the
   * tasks of the g-th distinct address in rank order, so task 0's group is group 0.
   */
  static ExecutorGroups of(String[] addresses) {
    Map<String, List<Integer>> byAddress = new LinkedHashMap<>();
    for (int r = 0; r < addresses.length; r++) {
      byAddress.computeIfAbsent(addresses[r], a -> new ArrayList<>()).add(r);
    }
    int[] groupOf = new int[addresses.length];
    List<int[]> ranks = new ArrayList<>();
    for (List<Integer> members : byAddress.values()) {
      for (int r : members) {
        groupOf[r] = ranks.size();
      }
      ranks.add(members.stream().mapToInt(Integer::intValue).toArray());
    }
    return new ExecutorGroups(groupOf, ranks);
  }

  int count() {
    return ranks.size();
  }

  int groupOf(int rank) {
    return groupOfRank[rank];
  }

  int[] ranksOf(int group) {
    return ranks.get(group).clone();
  }

  /**
   * Checks that the stage's placement gives {@code expected} groups of equal size.
   *
   * @throws IllegalStateException naming the placement and what to change
   */
  void require(int expected, String[] addresses) {
    boolean even = ranks.stream().allMatch(g -> g.length == ranks.get(0).length);
    if (count() != expected || !even) {
      List<String> where = new ArrayList<>();
      for (int[] g : ranks) {
        where.add(addresses[g[0]] + " " + Arrays.toString(g));
      }
      throw new IllegalStateException("--kvstore dist_device_sync expects the " + addresses.length
          + " tasks on " + expected + " executor(s) with equal numbers of tasks, but the stage"
          + " placed them as " + where + "; make --num-workers equal to the cluster's task slots"
          + " (executors x spark.executor.cores / spark.task.cpus), or use --kvstore dist_sync");
    }
  }

  /**
   * The number of groups (level-2 workers) for {@code workers} tasks: one for a local master
   * (one JVM), else {@code workers / K} with {@code K} tasks per executor ({@code
   * spark.executor.cores / spark.task.cpus}; without {@code spark.executor.cores} on YARN and
   * Kubernetes, Spark's default of one core).
   *
   * @throws IllegalArgumentException if {@code K} is unknown or does not divide {@code workers}
   */
  static int expectedGroups(String master, SparkConf conf, int workers) {
    if (master.startsWith("local[") || master.equals("local")) {
      return 1;
    }
    int taskCpus = conf.getInt("spark.task.cpus", 1);
    int cores = executorCores(master, conf);
    if (cores == 0) {
      throw new IllegalArgumentException("--kvstore dist_device_sync needs the tasks per executor:"
          + " set spark.executor.cores (master " + master + ")");
    }
    int k = Math.max(1, cores / taskCpus);
    if (workers % k != 0) {
      throw new IllegalArgumentException("--kvstore dist_device_sync groups the " + k + " tasks"
          + " of each executor, but --num-workers " + workers + " is not a multiple of " + k
          + "; use a multiple or --kvstore dist_sync");
    }
    return workers / k;
  }

  /**
   * The cores of each executor as the driver knows them: {@code local-cluster}'s second number,
   * {@code spark.executor.cores}, or Spark's default of one core on YARN and Kubernetes; 0 when
   * unknown (a local master, whose one JVM is the driver's, or a standalone executor without
   * {@code spark.executor.cores}, which takes all of its worker's cores).
   */
  static int executorCores(String master, SparkConf conf) {
    if (master.startsWith("local[") || master.equals("local")) {
      return 0;
    }
    Matcher m = LOCAL_CLUSTER.matcher(master);
    if (m.matches()) {
      return Integer.parseInt(m.group(2));
    } else if (conf.contains("spark.executor.cores")) {
      return conf.getInt("spark.executor.cores", 1);
    } else if (master.equals("yarn") || master.startsWith("k8s://")) {
      return 1; // Spark's default there (a standalone executor takes all of a worker's cores)
    }
    return 0;
  }
}
