package org.kindling.bench.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Times the full passes over the training data that an MLlib optimizer makes: every job of one
 * job group whose final stage is a {@code treeAggregate} (how MLlib's L-BFGS and gradient
 * descent sum the gradient). Durations come from the job start and end events.
 *
 * <p>Listener events arrive asynchronously, in order. {@link #awaitPasses} therefore runs one
 * tiny marker job of its own and waits for its end event: once that arrived, every earlier
 * event has too.
 */
final class PassTimer extends SparkListener {
  private static final String GROUP_PROPERTY = "spark.jobGroup.id";
  private static final String MARKER_GROUP = "kindling-bench-pass-timer-marker";

  private final String group;
  private final Map<Integer, Long> passStarts = new ConcurrentHashMap<>();
  private final List<long[]> passes = new ArrayList<>(); // {jobId, durationMillis}
  private final CountDownLatch markerSeen = new CountDownLatch(1);
  private final Map<Integer, Boolean> markerJobs = new ConcurrentHashMap<>();

  PassTimer(String group) {
    this.group = group;
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    Properties p = start.properties();
    String g = p == null ? null : p.getProperty(GROUP_PROPERTY);
    if (MARKER_GROUP.equals(g)) {
      markerJobs.put(start.jobId(), Boolean.TRUE);
    } else if (group.equals(g) && finalStageName(start).startsWith("treeAggregate")) {
      passStarts.put(start.jobId(), start.time());
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    if (markerJobs.containsKey(end.jobId())) {
      markerSeen.countDown();
      return;
    }
    Long t0 = passStarts.remove(end.jobId());
    if (t0 != null) {
      synchronized (passes) {
        passes.add(new long[] {end.jobId(), end.time() - t0});
      }
    }
  }

  /**
   * The duration in seconds of every pass so far, in job order, after making sure that the
   * listener has seen all events of jobs that already finished.
   *
   * @throws TimeoutException if the marker job's end event does not arrive in time
   */
  List<Double> awaitPasses(SparkSession spark, long timeoutMillis)
      throws InterruptedException, TimeoutException {
    spark.sparkContext().setJobGroup(MARKER_GROUP, "listener marker", false);
    JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1), 1).count();
    spark.sparkContext().clearJobGroup();
    if (!markerSeen.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
      throw new TimeoutException("Spark listener events did not arrive within " + timeoutMillis + " ms");
    }
    List<Double> out = new ArrayList<>();
    synchronized (passes) {
      passes.sort((a, b) -> Long.compare(a[0], b[0]));
      for (long[] p : passes) {
        out.add(p[1] / 1000.0);
      }
    }
    return out;
  }

  private static String finalStageName(SparkListenerJobStart start) {
    StageInfo last = null;
    for (StageInfo s : CollectionConverters.asJava(start.stageInfos())) {
      if (last == null || s.stageId() > last.stageId()) {
        last = s;
      }
    }
    return last == null ? "" : last.name();
  }
}
