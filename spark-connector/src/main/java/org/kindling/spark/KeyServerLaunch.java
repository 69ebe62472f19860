package org.kindling.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.Function;
import org.kindling.kvstore.KVStoreException;
import org.kindling.kvstore.KVStoreServerConfig;
import org.kindling.kvstore.KeyServerLayout;
import org.kindling.kvstore.ServerAddress;
import org.kindling.kvstore.SyncMode;

/**
 * The body of a hosting task: starts key server {@code index} of a job in the executor's JVM
 * ({@link KeyServerRegistry}), bound to the executor's host (the address the workers reach it
 * at) on {@code --key-server-port} or the next free port after it (another key server of the job
 * may run on the same host), or an ephemeral port by default ({@link KVStorePortConf}), with the
 * job's W, mode, secret, shard threads and big-array bound,
 * and on resume its cut of the {@code .states} file (read here from the file system, so the
 * closure stays small however large the states are). The optimizer itself arrives from rank 0
 * (SET_OPTIMIZER), as on the driver's server.
 */
final class KeyServerLaunch implements Function<Integer, KeyServerLaunch.Hosted> {
  private static final long serialVersionUID = 1L;

  /**
   * Where key server {@code index} runs.
   *
   * @param executorId the Spark executor that hosts it ({@code driver} in local mode)
   */
  record Hosted(int index, ServerAddress address, String executorId) implements Serializable {}

  private final String jobId;
  private final int servers;
  private final int numWorkers;
  private final SyncMode mode;
  private final byte[] secret;
  private final int serverShards;
  private final int bigArrayBound;
  private final String statesFile;
  private final HadoopConfHolder hadoopConf;
  private final Duration loginDeadline;
  private final int port;
  private final int portRetries;

  /**
   * @param servers S
   * @param numWorkers the servers' W: the tasks, or the level-1 groups
   * @param statesFile a resumed job's {@code .states} file, or null
   * @param loginDeadline how long a server waits for the driver's controller
   * @param port the first port to bind, 0 for any free one
   * @param portRetries the ports after a non-zero {@code port} to try while they are in use
   */
  KeyServerLaunch(String jobId, int servers, int numWorkers, SyncMode mode, byte[] secret,
      int serverShards, int bigArrayBound, String statesFile, HadoopConfHolder hadoopConf,
      Duration loginDeadline, int port, int portRetries) {
    this.jobId = jobId;
    this.servers = servers;
    this.numWorkers = numWorkers;
    this.mode = mode;
    this.secret = secret.clone();
    this.serverShards = serverShards;
    this.bigArrayBound = bigArrayBound;
    this.statesFile = statesFile;
    this.hadoopConf = hadoopConf;
    this.loginDeadline = loginDeadline;
    this.port = port;
    this.portRetries = portRetries;
  }

  @Override
  public Hosted call(Integer index) {
    TaskSetup.begin(); // the memory cap, before the server holds any key
    SparkEnv env = SparkEnv.get();
    String host = env.blockManager().blockManagerId().host();
    KVStoreServerConfig config = KVStoreServerConfig.builder().bindHost(host).port(port)
        .portRetries(portRetries).numWorkers(numWorkers).secret(secret).mode(mode)
        .serverShards(serverShards).bigArrayBound(bigArrayBound).build();
    try {
      return new Hosted(index,
          KeyServerRegistry.host(jobId, index, config, statesCut(index), loginDeadline),
          env.executorId());
    } catch (KVStoreException e) {
      throw KVStorePortConf.explain(e, "key server " + index + " on executor "
          + env.executorId() + " (" + host + ")", KVStorePortConf.KEY_SERVER_PORT,
          "--key-server-port", port, portRetries);
    }
  }

  /** Server {@code index}'s share of the resumed job's optimizer states, or null. */
  private byte[] statesCut(int index) {
    if (statesFile == null) {
      return null;
    }
    byte[] all;
    try {
      all = HadoopFiles.readAll(new Path(statesFile), hadoopConf.get());
    } catch (IOException e) {
      throw new UncheckedIOException("key server " + index + ": cannot read " + statesFile
          + ": " + e.getMessage(), e);
    }
    try {
      return new KeyServerLayout(servers, bigArrayBound).splitStates(all)[index];
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(statesFile + ": " + e.getMessage(), e);
    }
  }
}
