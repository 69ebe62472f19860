package org.kindling.spark;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.kindling.kvstore.KVStoreServer;
import org.kindling.kvstore.KVStoreServerConfig;
import org.kindling.kvstore.ServerAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key servers this JVM hosts for training jobs (decision 0040), by job id and server index.
 * The Spark task that starts a server ends at once, so the server's own connections decide when
 * it ends: it closes and leaves the registry when the driver's controller leaves it ({@link
 * KVStoreServer#controllerLeft()}: the job ended, or the driver died or went silent), or when no
 * controller has logged in by the login deadline (the driver failed before it connected). Two
 * servers of one job in one JVM (Spark placed two hosting tasks on one executor) work; they only
 * share the JVM's link.
 */
final class KeyServerRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(KeyServerRegistry.class);
  /** By {@code jobId/index}. */
  private static final Map<String, KVStoreServer> SERVERS = new ConcurrentHashMap<>();

  private KeyServerRegistry() {}

  /**
   * Starts key server {@code index} of job {@code jobId}, or returns the address of the one
   * already running here (a retried hosting task).
   *
   * @param states the server's cut of a resumed job's {@code .states} file, or null
   * @param loginDeadline how long the server waits for the driver's controller before it closes
   * @throws org.kindling.kvstore.KVStoreException if the server cannot bind
   * @throws IllegalStateException if {@code states} cannot be preloaded (the server is closed)
   */
  static ServerAddress host(String jobId, int index, KVStoreServerConfig config, byte[] states,
      Duration loginDeadline) {
    String id = jobId + "/" + index;
    synchronized (SERVERS) {
      KVStoreServer running = SERVERS.get(id);
      if (running != null) {
        return ServerAddress.of(running);
      }
      KVStoreServer server = KVStoreServer.start(config);
      try {
        if (states != null) {
          server.preloadOptimizerStates(states);
        }
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      SERVERS.put(id, server);
      // both complete on the server's I/O threads, which close() stops: close from another
      server.controllerLeft().whenCompleteAsync((v, e) -> end(id, server, "its controller left"));
      server.controllerJoined().toCompletableFuture()
          .orTimeout(loginDeadline.toMillis(), TimeUnit.MILLISECONDS)
          .whenCompleteAsync((v, e) -> {
            if (e != null) {
              end(id, server, "no controller logged in within " + loginDeadline);
            }
          });
      LOG.info("key server {} of job {} listening on {}", index, jobId, ServerAddress.of(server));
      return ServerAddress.of(server);
    }
  }

  private static void end(String id, KVStoreServer server, String why) {
    SERVERS.remove(id, server);
    LOG.info("key server {} closes: {}", id, why);
    server.close();
  }

  /** The servers this JVM hosts for job {@code jobId} now. */
  static int running(String jobId) {
    String prefix = jobId + "/";
    return (int) SERVERS.keySet().stream().filter(k -> k.startsWith(prefix)).count();
  }
}
