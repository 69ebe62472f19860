package org.kindling.kvstore;

import java.nio.ByteBuffer;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.spec.AlgorithmParameterSpec;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.MacSpi;

/**
 * A JCA provider of HmacSHA256 for a server's login MAC ({@link ServerFaults#macProvider()}),
 * computed by the JDK's own SunJCE, that can be told to go wrong the ways a provider does: give
 * wrong results (a broken or tampered provider), or throw an {@link Error} from its next {@code
 * doFinal}s (what a provider that failed to initialize throws, e.g. {@code NoClassDefFoundError:
 * Could not initialize class javax.crypto.JceSecurity}). A real provider through the real JCA
 * lookup, not a mock of the MAC.
 */
final class FaultyHmacProvider extends Provider {
  private static final long serialVersionUID = 1L;

  /** Results with their first bit flipped. */
  private volatile boolean wrong;
  /** How many of the next doFinal calls throw. */
  private final AtomicInteger errorsToThrow = new AtomicInteger();
  /** How many calls threw. */
  private final AtomicInteger thrown = new AtomicInteger();

  FaultyHmacProvider() {
    super("KindlingFaultyHmac", "1.0", "HmacSHA256 by SunJCE, with faults on demand (tests)");
    putService(new Service(this, "Mac", "HmacSHA256", Spi.class.getName(), null, null) {
      @Override
      public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
        return new Spi(FaultyHmacProvider.this, sunJce());
      }
    });
  }

  /** From now on every result is wrong. */
  FaultyHmacProvider wrong() {
    wrong = true;
    return this;
  }

  /** The next {@code n} MAC computations throw a {@link NoClassDefFoundError}. */
  void throwErrors(int n) {
    errorsToThrow.set(n);
  }

  /** How many MAC computations threw so far. */
  int thrown() {
    return thrown.get();
  }

  private static Mac sunJce() throws NoSuchAlgorithmException {
    try {
      return Mac.getInstance("HmacSHA256", "SunJCE");
    } catch (java.security.NoSuchProviderException e) {
      throw new NoSuchAlgorithmException(e);
    }
  }

  /** The SPI: SunJCE's MAC behind it, faults in front. */
  static final class Spi extends MacSpi implements Cloneable {
    private final FaultyHmacProvider owner;
    private Mac real;

    Spi(FaultyHmacProvider owner, Mac real) {
      this.owner = owner;
      this.real = real;
    }

    @Override
    protected int engineGetMacLength() {
      return real.getMacLength();
    }

    @Override
    protected void engineInit(Key key, AlgorithmParameterSpec params)
        throws InvalidKeyException, InvalidAlgorithmParameterException {
      real.init(key, params);
    }

    @Override
    protected void engineUpdate(byte input) {
      real.update(input);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
      real.update(input, offset, len);
    }

    @Override
    protected void engineUpdate(ByteBuffer input) {
      real.update(input);
    }

    @Override
    protected byte[] engineDoFinal() {
      if (owner.errorsToThrow.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        owner.thrown.incrementAndGet();
        real.reset();
        throw new NoClassDefFoundError("Could not initialize class javax.crypto.JceSecurity"
            + " (injected by the test)");
      }
      byte[] out = real.doFinal();
      if (owner.wrong) {
        out[0] ^= 1;
      }
      return out;
    }

    @Override
    protected void engineReset() {
      real.reset();
    }

    @Override
    public Object clone() throws CloneNotSupportedException {
      Spi copy = (Spi) super.clone();
      copy.real = (Mac) real.clone();
      return copy;
    }
  }
}
