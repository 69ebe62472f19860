package org.kindling.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.kindling.kvstore.KVStoreException;
import org.kindling.kvstore.KeyServerController;
import org.kindling.kvstore.ServerAddress;
import org.kindling.kvstore.TrafficSnapshot;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * The driver's side of {@code --num-servers S} (decision 0040): one short Spark job of S tasks
 * starts a key server in each task's executor JVM ({@link KeyServerLaunch}), then the driver logs
 * in to each as the controller ({@link KeyServerController}), through which its checkpoints read
 * the keys' values and the joined {@code .states}. Closing this says BYE to the servers, which
 * then close; a driver that dies closes the connections with the same effect, and servers the
 * driver never reached close at their login deadline.
 *
 * <p>Spark places the S tasks where it has free slots: S distinct executors are likely but not
 * guaranteed. Two servers in one JVM work, they just share its link; the placement is printed.
 */
final class HostedKeyServers implements AutoCloseable {
  private final List<KeyServerLaunch.Hosted> hosted;
  private final List<ServerAddress> addresses;
  private final KeyServerController controller;
  private final Map<String, Shape> shapes;

  private HostedKeyServers(List<KeyServerLaunch.Hosted> hosted, KeyServerController controller,
      Map<String, Shape> shapes) {
    this.hosted = List.copyOf(hosted);
    this.addresses = hosted.stream().map(KeyServerLaunch.Hosted::address).toList();
    this.controller = controller;
    this.shapes = shapes;
  }

  /**
   * Runs the hosting job in job group {@code jobId} and logs in to the servers.
   *
   * @param launch the hosting tasks' body, for {@code servers} servers
   * @param type the workers' store type, e.g. {@code dist_sync}
   * @param secret the job's secret
   * @param numWorkers the servers' W
   * @param bigArrayBound the workers' bound
   * @param progress receives the placement lines
   * @throws TrainingFailedException if a hosting task failed or a server cannot be reached
   *     (the servers started close at their login deadline)
   */
  static HostedKeyServers start(JavaSparkContext jsc, String jobId, KeyServerLaunch launch,
      int servers, String type, byte[] secret, int numWorkers, int bigArrayBound,
      Map<String, Shape> shapes, Consumer<String> progress) {
    List<KeyServerLaunch.Hosted> hosted;
    jsc.setJobGroup(jobId, "kindling: start " + servers + " key server(s)", false);
    try {
      hosted = new ArrayList<>(jsc.parallelize(IntStream.range(0, servers).boxed()
          .collect(Collectors.toList()), servers).map(launch).collect());
    } catch (Exception e) { // SparkException is checked but thrown undeclared by Scala code
      throw new TrainingFailedException("cannot start the " + servers + " key server(s): "
          + TrainingFailedException.describeJobFailure(e), e);
    } finally {
      jsc.clearJobGroup();
    }
    hosted.sort(Comparator.comparingInt(KeyServerLaunch.Hosted::index));
    progress.accept(placement(hosted));
    List<ServerAddress> addresses = hosted.stream().map(KeyServerLaunch.Hosted::address)
        .toList();
    try {
      return new HostedKeyServers(hosted, KeyServerController.connect(addresses,
          bigArrayBound, type, secret, numWorkers), shapes);
    } catch (KVStoreException e) {
      throw new TrainingFailedException("cannot reach the key servers " + addresses + ": "
          + e.getMessage(), e);
    }
  }

  /** Where the servers run, and a note when some share an executor. */
  static String placement(List<KeyServerLaunch.Hosted> hosted) {
    StringBuilder s = new StringBuilder("kindling: ").append(hosted.size())
        .append(" key server(s):");
    Map<String, Integer> perExecutor = new LinkedHashMap<>();
    for (KeyServerLaunch.Hosted h : hosted) {
      s.append(String.format(Locale.ROOT, " %d on %s (executor %s)", h.index(), h.address(),
          h.executorId()));
      perExecutor.merge(h.executorId(), 1, Integer::sum);
    }
    if (perExecutor.size() < hosted.size()) {
      s.append("; Spark placed them on ").append(perExecutor.size()).append(" executor JVM(s):"
          + " servers in one JVM work, but share its network link");
    }
    return s.toString();
  }

  /**
   * The shapes of a network's parameters in {@code Module}'s order (the order workers init the
   * keys, and the checkpoint's), for a batch of {@code inputs}.
   */
  static Map<String, Shape> parameterShapes(Symbol symbol, Map<String, Shape> inputs) {
    Map<String, Shape> out = new LinkedHashMap<>();
    symbol.inferShape(inputs).arguments().forEach((name, shape) -> {
      if (!inputs.containsKey(name)) {
        out.put(name, shape);
      }
    });
    return out;
  }

  /**
   * Calls {@code listener} with a description of each server lost while the job runs (its
   * executor lost, its host unreachable): which server, where, on which executor, and why
   * ({@link KeyServerController#onServerLost}). Never called after {@link #close}. Runs on a
   * connection's thread; must not block.
   */
  void onLost(Consumer<String> listener) {
    controller.onServerLost((index, address, cause) -> listener.accept(lost(hosted, index,
        cause.getMessage())));
  }

  /** {@code key server i of S on host:port (executor E) was lost: why}. */
  static String lost(List<KeyServerLaunch.Hosted> hosted, int index, String why) {
    KeyServerLaunch.Hosted h = hosted.get(index);
    return String.format(Locale.ROOT, "key server %d of %d on %s (executor %s) was lost: %s",
        index, hosted.size(), h.address(), h.executorId(), why);
  }

  /** The servers' addresses, by server index: the workers' key servers. */
  List<ServerAddress> addresses() {
    return addresses;
  }

  /** Runs {@code work} with worker {@code rank} marked inside the driver's listener. */
  void whileInListener(int rank, Runnable work) {
    controller.whileInListener(rank, work);
  }

  /** The parameters' values joined from the servers, new arrays owned by the caller. */
  Map<String, NDArray> values() {
    return controller.values(shapes);
  }

  /** The one {@code .states} file of the servers' optimizers. */
  byte[] optimizerStates() {
    return controller.optimizerStates(shapes);
  }

  /** The key servers' counters summed ({@link KeyServerController#traffic()}). */
  TrafficSnapshot traffic() {
    return controller.traffic();
  }

  /** Says BYE: the servers close. */
  @Override
  public void close() {
    controller.close();
  }
}
