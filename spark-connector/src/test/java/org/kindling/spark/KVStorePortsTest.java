package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parameter servers' ports in a real training job on {@code local[2]} (decision 0085): the
 * driver's server binds {@code --kvstore-port}, the key servers {@code --key-server-port} and the
 * ports after it (both hosting tasks run in this JVM, as two key servers placed on one executor
 * would: the second takes the next port), and a port in use with every retry fails the job
 * naming the Spark conf key, the option, the port and {@code spark.port.maxRetries}, which this
 * session sets to 2. Ports in use are held by plain {@link ServerSocket}s on 127.0.0.1.
 */
@Timeout(300)
class KVStorePortsTest {
  private static final int CLASSES = 4;
  private static final int PIXELS = 16;
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Pattern KEY_SERVER =
      Pattern.compile(" (\\d+) on ([^ :]+):(\\d+) \\(executor");

  @TempDir static Path dir;
  private static SparkSession spark;
  private static Path train;

  @BeforeAll
  static void start() throws IOException {
    spark = SparkSession.builder().master("local[2]").appName("KVStorePortsTest")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config(KVStorePortConf.MAX_RETRIES, "2")
        .getOrCreate();
    train = dir.resolve("train.rec");
    SyntheticData.write(train, 200, CLASSES, PIXELS, 1);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static TrainConfig.Builder config() {
    return TrainConfig.builder().data(train.toString()).inputShape(PIXELS).hidden(8)
        .numClasses(CLASSES).batchSize(20).epochs(1).numWorkers(2).kvstore("dist_sync")
        .dispBatches(1000);
  }

  /**
   * Holds {@code count} consecutive ports on 127.0.0.1 (in use for the servers); the caller
   * closes them to free them.
   */
  private static ServerSocket[] holdConsecutive(int count) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int first;
      try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
        first = probe.getLocalPort();
      }
      if (first + count > 65535) {
        continue;
      }
      ServerSocket[] held = new ServerSocket[count];
      try {
        for (int i = 0; i < count; i++) {
          held[i] = new ServerSocket(first + i, 1, LOOPBACK);
        }
        return held;
      } catch (BindException taken) {
        close(held); // another process has one of them: try elsewhere
      }
    }
    throw new AssertionError("no " + count + " consecutive free ports on 127.0.0.1 in 50 tries");
  }

  private static void close(ServerSocket[] sockets) throws IOException {
    for (ServerSocket s : sockets) {
      if (s != null) {
        s.close();
      }
    }
  }

  /** {@code count} consecutive ports free a moment ago. */
  private static int freeConsecutive(int count) throws IOException {
    ServerSocket[] held = holdConsecutive(count);
    close(held);
    return held[0].getLocalPort();
  }

  @Test
  void theDriversServerBindsTheGivenPort() throws Exception {
    int port = freeConsecutive(1);
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    TrainJob.run(spark, config().kvstorePort(Integer.toString(port)).build(), lines::add);
    assertThat(lines).anyMatch(l -> l.startsWith("kindling: parameter server on 127.0.0.1:"
        + port));
  }

  @Test
  void theDriversPortAndItsRetriesInUseFailTheJobNamingTheKeyAndThePort() throws Exception {
    ServerSocket[] held = holdConsecutive(3); // the port and spark.port.maxRetries=2 after it
    int port = held[0].getLocalPort();
    try {
      assertThatThrownBy(() -> TrainJob.run(spark,
          config().kvstorePort(Integer.toString(port)).build(), l -> { }))
          .hasMessageContaining("the driver's parameter server on 127.0.0.1 cannot bind port "
              + port + " nor any of the 2 after it: they are in use")
          .hasMessageContaining("spark.kindling.kvstore.port=" + port)
          .hasMessageContaining("--kvstore-port")
          .hasMessageContaining("or to 0 for any free port, or raise spark.port.maxRetries");
    } finally {
      close(held);
    }
  }

  @Test
  void keyServersOnOneHostTakeTheGivenPortAndTheNext() throws Exception {
    int first = freeConsecutive(2);
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    TrainJob.run(spark, config().numServers("2").keyServerPort(Integer.toString(first))
        .build(), lines::add);
    String placement = lines.stream().filter(l -> l.startsWith("kindling: 2 key server(s):"))
        .findFirst().orElseThrow();
    List<Integer> ports = new ArrayList<>();
    Matcher m = KEY_SERVER.matcher(placement);
    while (m.find()) {
      ports.add(Integer.parseInt(m.group(3)));
    }
    assertThat(ports).as(placement).containsExactlyInAnyOrder(first, first + 1);
  }

  @Test
  void aKeyServersPortInUseFailsTheJobNamingTheKeyTheExecutorAndThePort() throws Exception {
    ServerSocket[] held = holdConsecutive(3);
    int port = held[0].getLocalPort();
    try {
      assertThatThrownBy(() -> TrainJob.run(spark, config().numServers("1")
          .keyServerPort(Integer.toString(port)).build(), l -> { }))
          .isInstanceOf(TrainingFailedException.class)
          .hasMessageContaining("cannot start the 1 key server(s)")
          .hasMessageContaining("key server 0 on executor driver (127.0.0.1) cannot bind port "
              + port + " nor any of the 2 after it")
          .hasMessageContaining("spark.kindling.kvstore.keyServerPort=" + port)
          .hasMessageContaining("--key-server-port");
    } finally {
      close(held);
    }
    // the session is usable afterwards
    assertThat(TrainJob.run(spark, config().build(), l -> { }).metrics()).hasSize(1);
  }
}
