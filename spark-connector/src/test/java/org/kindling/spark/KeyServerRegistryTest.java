package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.kvstore.KVStoreServerConfig;
import org.kindling.kvstore.ServerAddress;

/**
 * A hosted key server ends without its Spark task: when its driver's process dies (the
 * controller's socket closes) and when no driver ever logs in (the login deadline).
 */
@Timeout(180)
class KeyServerRegistryTest {
  private static final byte[] SECRET = KVStoreServerConfig.randomSecret();

  private static ServerAddress host(String job, Duration loginDeadline) {
    return KeyServerRegistry.host(job, 0, KVStoreServerConfig.builder().numWorkers(1)
        .secret(SECRET).build(), null, loginDeadline);
  }

  @Test
  void aServerWhoseDriverProcessDiesCloses() throws Exception {
    ServerAddress a = host("driver-killed", Duration.ofMinutes(10));
    Process driver = startDriver(a);
    try (BufferedReader out = new BufferedReader(new InputStreamReader(driver.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertThat(line).as("the stand-in driver's first line").isNotNull()
          .startsWith(ControllerProcess.LOGGED_IN);
      assertThat(KeyServerRegistry.running("driver-killed")).isOne();
      driver.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    } finally {
      driver.destroyForcibly();
    }
    awaitGone(a);
    awaitNoneRunning("driver-killed");
  }

  @Test
  void aServerNoDriverLogsInToClosesAtItsDeadline() throws Exception {
    ServerAddress a = host("never-connected", Duration.ofMillis(300));
    assertThat(a.host()).isEqualTo("127.0.0.1");
    awaitGone(a);
    awaitNoneRunning("never-connected");
  }

  @Test
  void aRetriedHostingTaskGetsTheServerAlreadyRunning() throws Exception {
    ServerAddress first = host("retried", Duration.ofMillis(500));
    assertThat(host("retried", Duration.ofMillis(500))).isEqualTo(first);
    assertThat(KeyServerRegistry.running("retried")).isOne();
    awaitGone(first);
  }

  /** A child JVM with this JVM's flags and class path running {@link ControllerProcess}. */
  private static Process startDriver(ServerAddress a) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (flag.startsWith("--add-opens") || flag.startsWith("-Dio.netty")
          || flag.startsWith("-Djava.net")) {
        cmd.add(flag);
      }
    }
    cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"),
        ControllerProcess.class.getName(), a.host(), Integer.toString(a.port()),
        HexFormat.of().formatHex(SECRET)));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  static void awaitGone(ServerAddress a) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket s = new Socket(a.host(), a.port())) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("key server " + a + " still accepts connections after 60 s");
        }
      } catch (ConnectException e) {
        return;
      } catch (java.io.IOException e) {
        throw new AssertionError("probing " + a + ": " + e, e);
      }
      Thread.sleep(100);
    }
  }

  private static void awaitNoneRunning(String job) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (KeyServerRegistry.running(job) != 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("job " + job + " still has a registered key server");
      }
      Thread.sleep(50);
    }
  }
}
