package org.kindling.kvstore;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 keyed with the per-job secret: the worker's answer to a challenge and the server's
 * proof (decision 0004). It is built and checked against RFC 4231's test vector when the server
 * or the worker starts, so that {@code javax.crypto} is loaded while the process is healthy: a
 * provider that failed to initialize later (for example while a flood of connections holds every
 * file descriptor) would fail every login of that JVM for good. Each use clones the keyed
 * prototype, so no provider lookup or class loading happens on the login path.
 */
final class JobMac {
  private static final String ALGORITHM = "HmacSHA256";
  private static final byte[] SERVER_PREFIX = "KVKN-server".getBytes(StandardCharsets.US_ASCII);

  private final Mac prototype;

  /**
   * Keys the MAC with {@code secret}.
   *
   * @throws KVStoreException if this JVM cannot compute HMAC-SHA256 correctly
   */
  JobMac(byte[] secret) {
    this(secret, null);
  }

  /**
   * Keys the MAC with {@code secret}, computed by {@code provider} (null: the JVM's preferred
   * provider of HmacSHA256).
   *
   * @throws KVStoreException if that provider cannot compute HMAC-SHA256 correctly
   */
  JobMac(byte[] secret, Provider provider) {
    selfTest(provider);
    this.prototype = keyed(secret, provider);
  }

  /** HMAC-SHA256(secret, nonce || rank as little-endian int32): the answer to a challenge. */
  byte[] answer(byte[] nonce, int rank) {
    return compute(new byte[0], nonce, rank);
  }

  /**
   * HMAC-SHA256(secret, "KVKN-server" || clientNonce || rank as little-endian int32): the server's
   * proof in AUTH_OK that it knows the secret too (the prefix keeps it from ever equalling a
   * worker's answer).
   */
  byte[] proof(byte[] clientNonce, int rank) {
    return compute(SERVER_PREFIX, clientNonce, rank);
  }

  /** True if {@code mac} is {@link #answer}{@code (nonce, rank)}, compared in constant time. */
  boolean checkAnswer(byte[] nonce, int rank, byte[] mac) {
    return MessageDigest.isEqual(answer(nonce, rank), mac);
  }

  /** True if {@code mac} is {@link #proof}{@code (clientNonce, rank)}, in constant time. */
  boolean checkProof(byte[] clientNonce, int rank, byte[] mac) {
    return MessageDigest.isEqual(proof(clientNonce, rank), mac);
  }

  private byte[] compute(byte[] prefix, byte[] nonce, int rank) {
    Mac mac;
    try {
      synchronized (prototype) {
        mac = (Mac) prototype.clone();
      }
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(ALGORITHM + " of this JVM's provider cannot be cloned", e);
    }
    mac.update(prefix);
    mac.update(nonce);
    mac.update(new byte[] {(byte) rank, (byte) (rank >>> 8), (byte) (rank >>> 16),
        (byte) (rank >>> 24)});
    return mac.doFinal();
  }

  private static Mac keyed(byte[] key, Provider provider) {
    try {
      Mac mac = provider == null
          ? Mac.getInstance(ALGORITHM) : Mac.getInstance(ALGORITHM, provider);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      mac.clone(); // fail here, not at the first login, if the provider cannot clone
      return mac;
    } catch (GeneralSecurityException | CloneNotSupportedException | RuntimeException
        | LinkageError e) {
      throw new KVStoreException("the kvstore cannot use " + ALGORITHM + " in this JVM ("
          + e + "); the worker login needs javax.crypto with the SunJCE provider", e);
    }
  }

  /** RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?". */
  private static void selfTest(Provider provider) {
    Mac mac = keyed("Jefe".getBytes(StandardCharsets.US_ASCII), provider);
    byte[] got = mac.doFinal("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));
    byte[] want = HexFormat.of().parseHex(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    if (!MessageDigest.isEqual(got, want)) {
      throw new KVStoreException(ALGORITHM + " of this JVM (provider " + mac.getProvider()
          + ") fails RFC 4231's test vector; the kvstore login cannot work with this security"
          + " provider: put a correct one (the JDK's SunJCE) first in java.security's provider"
          + " list");
    }
  }
}
