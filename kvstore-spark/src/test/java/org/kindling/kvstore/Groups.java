package org.kindling.kvstore;

import java.time.Duration;
import java.util.stream.IntStream;

/** Level-1 groups for tests: {@code g} groups of {@code k} consecutive task ranks. */
final class Groups {
  private Groups() {}

  /**
   * Joins task {@code rank} of {@code g x k} to its group {@code rank / k} of job {@code job},
   * whose level-2 store is worker {@code rank / k} of {@code g} on {@code server}.
   */
  static GroupKVStore join(String job, String type, KVStoreServer server, byte[] secret, int g,
      int k, int rank, Duration timeout) {
    int group = rank / k;
    int[] ranks = IntStream.range(group * k, group * k + k).toArray();
    return DeviceGroups.join(job + "/group-" + group, type, rank, ranks, g * k, timeout,
        () -> KVStores.connect(type, "127.0.0.1", server.port(), secret, group, g));
  }
}
