package org.kindling.kvstore;

import java.util.Locale;
import java.util.Objects;
import org.kindling.symbol.kvstore.KVStore;

/**
 * Creates key-value stores by MXNet's type names (formats.md §5.1: lower-cased, matched by
 * substring).
 *
 * <ul>
 *   <li>{@link #create(String)}: in-process stores. {@code local}, {@code device} and any other
 *       type without {@code dist} or {@code nccl} give the local CPU store (Kindling computes
 *       on CPU, so device aggregation is CPU aggregation).
 *   <li>{@link #connect}: a worker of a distributed store served by a {@link KVStoreServer};
 *       a type containing {@code _async} is asynchronous, any other {@code dist} type
 *       ({@code dist_sync}, {@code dist_device_sync}, {@code dist}) synchronous.
 * </ul>
 */
public final class KVStores {
  private KVStores() {}

  /**
   * An in-process store.
   *
   * @throws IllegalArgumentException for distributed or NCCL types, with what to use instead
   */
  public static KVStore create(String type) {
    String t = Objects.requireNonNull(type, "type").toLowerCase(Locale.ROOT);
    if (t.contains("dist")) {
      throw new IllegalArgumentException("kvstore type '" + type + "' is distributed: use"
          + " KVStores.connect(type, host, port, secret, rank, numWorkers) with the address of"
          + " the driver's KVStoreServer");
    }
    if (t.contains("nccl")) {
      throw new IllegalArgumentException(
          "kvstore type '" + type + "' needs NVIDIA GPUs, which Kindling does not use; use local");
    }
    return new LocalKVStore(type);
  }

  /**
   * Connects worker {@code rank} of {@code numWorkers} to a {@link KVStoreServer}, with the
   * default timeouts and frame limit of {@link KVStoreClientConfig}.
   *
   * @throws IllegalArgumentException if an argument is invalid
   * @throws KVStoreAuthenticationException if the server refuses the secret, rank, worker count
   *     or mode
   * @throws KVStoreException if the server cannot be reached
   */
  public static DistKVStore connect(String type, String host, int port, byte[] secret, int rank,
      int numWorkers) {
    return connect(KVStoreClientConfig.builder().type(type).host(host).port(port).secret(secret)
        .rank(rank).numWorkers(numWorkers).build());
  }

  /** Connects a worker with full control of its settings; see the other overload. */
  public static DistKVStore connect(KVStoreClientConfig config) {
    return DistKVStore.connect(Objects.requireNonNull(config, "config"));
  }
}
