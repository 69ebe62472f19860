package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class ExecutorGroupsTest {

  @Test
  void tasksOfOneExecutorFormAGroupInRankOrderAndTaskZerosGroupComesFirst() {
    String[] addresses = {"10.0.0.2:4001", "10.0.0.1:4002", "10.0.0.2:4001", "10.0.0.1:4002"};
    ExecutorGroups g = ExecutorGroups.of(addresses);
    assertThat(g.count()).isEqualTo(2);
    assertThat(g.ranksOf(0)).containsExactly(0, 2);
    assertThat(g.ranksOf(1)).containsExactly(1, 3);
    assertThat(g.groupOf(3)).isEqualTo(1);
    g.require(2, addresses);
  }

  @Test
  void aPlacementOtherThanTheExpectedGroupsFailsNamingIt() {
    String[] spread = {"a:1", "b:2", "a:1"}; // groups of 2 and 1
    assertThatThrownBy(() -> ExecutorGroups.of(spread).require(2, spread))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a:1 [0, 2]").hasMessageContaining("b:2 [1]")
        .hasMessageContaining("--kvstore dist_sync");
    String[] oneEach = {"a:1", "b:2"};
    assertThatThrownBy(() -> ExecutorGroups.of(oneEach).require(1, oneEach))
        .hasMessageContaining("on 1 executor(s)");
  }

  @Test
  void expectedGroupsFromTheMasterAndTheExecutorCores() {
    SparkConf conf = new SparkConf(false);
    assertThat(ExecutorGroups.expectedGroups("local[4]", conf, 4)).isEqualTo(1);
    assertThat(ExecutorGroups.expectedGroups("local-cluster[2,2,2048]", conf, 4)).isEqualTo(2);
    assertThat(ExecutorGroups.expectedGroups("yarn", conf.clone().set("spark.executor.cores", "4")
        .set("spark.task.cpus", "2"), 6)).isEqualTo(3);
    // YARN and Kubernetes executors have one core unless told; a standalone one takes all
    assertThat(ExecutorGroups.expectedGroups("yarn", conf, 4)).isEqualTo(4);
    assertThat(ExecutorGroups.expectedGroups("k8s://https://api:6443", conf, 3)).isEqualTo(3);
    assertThatThrownBy(() -> ExecutorGroups.expectedGroups("spark://master:7077", conf, 4))
        .hasMessageContaining("spark.executor.cores");
    assertThatThrownBy(() -> ExecutorGroups.expectedGroups("local-cluster[2,2,2048]", conf, 3))
        .hasMessageContaining("--num-workers 3 is not a multiple of 2");
  }

  @Test
  void executorCoresAsTheDriverKnowsThemForTheExecutorsThreadBudget() {
    SparkConf conf = new SparkConf(false);
    // a local master's one JVM is the driver's: its budget stays the host's processors
    assertThat(ExecutorGroups.executorCores("local[4]", conf)).isZero();
    assertThat(ExecutorGroups.executorCores("local", conf)).isZero();
    assertThat(ExecutorGroups.executorCores("local-cluster[2,1,1024]", conf)).isEqualTo(1);
    assertThat(ExecutorGroups.executorCores("local-cluster[3,2,2048]", conf)).isEqualTo(2);
    assertThat(ExecutorGroups.executorCores("spark://master:7077",
        conf.clone().set("spark.executor.cores", "3"))).isEqualTo(3);
    assertThat(ExecutorGroups.executorCores("yarn", conf)).isEqualTo(1);
    assertThat(ExecutorGroups.executorCores("k8s://https://api:6443", conf)).isEqualTo(1);
    // a standalone executor without spark.executor.cores takes all of its worker's cores
    assertThat(ExecutorGroups.executorCores("spark://master:7077", conf)).isZero();
  }
}
