package org.kindling.tensor.storage;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether {@link Storage} backs large blocks with transparent huge pages, and the {@code madvise}
 * call that asks for them.
 *
 * <p>Why: a fully-connected layer at batch 1 is a matrix-vector product that reads each weight
 * once (VGG's fc6: 411 MB), so its time is the time to stream the weights from memory; with 4 KiB
 * pages that stream also walks a TLB miss every 4 KiB, with 2 MiB pages every 2 MiB. A C GEMV
 * over AlexNet's classifier ran 10-60% faster per layer with the weights {@code
 * madvise(MADV_HUGEPAGE)}d (decision 0048). Where transparent huge pages are {@code madvise}-only
 * (a common distribution default) a {@code malloc}ed block never gets them unless asked.
 *
 * <p>Configuration: {@value #PROPERTY} = {@code auto} (default: on Linux x86_64/aarch64 when
 * {@value #SYSFS} says {@code always} or {@code madvise}) or {@code off}. Spark executors take it
 * as a JVM option ({@code spark.executor.extraJavaOptions=-Dkindling.storage.hugePages=off}), as
 * the other {@code kindling.*} engine keys.
 */
final class HugePages {
  /** The system property. */
  static final String PROPERTY = "kindling.storage.hugePages";
  /** The kernel's transparent huge page mode, e.g. {@code always [madvise] never}. */
  static final String SYSFS = "/sys/kernel/mm/transparent_hugepage/enabled";
  /** The huge page size of x86_64 and of aarch64 with 4 KiB base pages. */
  static final long SIZE = 2L << 20;
  /** Linux's {@code MADV_HUGEPAGE}. */
  private static final int MADV_HUGEPAGE = 14;
  /** Linux's {@code MADV_DONTNEED}. */
  private static final int MADV_DONTNEED = 4;

  private static final Logger LOG = LoggerFactory.getLogger(HugePages.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  /** The policy of a pool: no huge pages, or huge pages for blocks of {@link #SIZE} and more. */
  static final HugePages OFF = new HugePages(false);
  static final HugePages ON = new HugePages(true);

  private final boolean enabled;

  private HugePages(boolean enabled) {
    this.enabled = enabled;
  }

  /** Whether a block of {@code bucket} usable bytes is allocated huge-page aligned and advised. */
  boolean applies(long bucket) {
    return enabled && bucket >= SIZE;
  }

  boolean enabled() {
    return enabled;
  }

  @Override
  public String toString() {
    return enabled ? "huge pages for blocks of 2 MiB and more" : "no huge pages";
  }

  /** The policy {@value #PROPERTY} and this machine give. */
  static HugePages configured() {
    return resolve(System.getProperty(PROPERTY), Platform.supported(), Platform.thpMode());
  }

  /**
   * The policy for a property value, whether the platform can madvise, and the kernel's mode.
   *
   * @param value {@code auto}, {@code off} or null (auto)
   * @param platform Linux on x86_64 or aarch64 with libc reachable
   * @param thpMode the selected word of {@value #SYSFS} ({@code always}, {@code madvise},
   *     {@code never}), or null if unreadable
   * @throws IllegalArgumentException naming the property if the value is neither
   */
  static HugePages resolve(String value, boolean platform, String thpMode) {
    String v = value == null ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "off":
        return OFF;
      case "auto":
      case "":
        return platform && ("always".equals(thpMode) || "madvise".equals(thpMode)) ? ON : OFF;
      default:
        throw new IllegalArgumentException("-D" + PROPERTY + "=" + value
            + " is not a huge page setting: use auto (the default) or off");
    }
  }

  /** The bracketed word of a sysfs mode line such as {@code always [madvise] never}, or null. */
  static String selected(String line) {
    int open = line.indexOf('[');
    int close = line.indexOf(']', open + 1);
    return open < 0 || close < 0 ? null : line.substring(open + 1, close).trim();
  }

  /**
   * Asks the kernel for huge pages over {@code [address, address + length)}, both multiples of
   * {@link #SIZE}. A failure costs only speed: it is logged once, at debug, and ignored.
   */
  void advise(long address, long length) {
    if (!enabled) {
      return;
    }
    LibC libc = Platform.libc();
    int rc = -1;
    String why;
    try {
      rc = libc == null ? -1 : libc.madvise(address, length, MADV_HUGEPAGE);
      why = libc == null ? "libc not reachable through JNA" : "errno " + Native.getLastError();
    } catch (LinkageError | RuntimeException e) {
      why = e.toString();
    }
    if (rc != 0 && WARNED.compareAndSet(false, true) && LOG.isDebugEnabled()) {
      LOG.debug("madvise(0x{}, {}, MADV_HUGEPAGE) failed ({}); large arrays keep 4 KiB pages",
          Long.toHexString(address), length, why);
    }
  }

  /**
   * {@link #advise} over memory already touched (a zeroed direct buffer), then drops its pages
   * ({@code MADV_DONTNEED}: private anonymous memory then reads as zeros, as before, and is
   * faulted in anew, in huge pages, on its next touch). Both multiples of {@link #SIZE}; a
   * failure costs only speed.
   */
  void adviseTouched(long address, long length) {
    if (!enabled || length <= 0) {
      return;
    }
    advise(address, length);
    LibC libc = Platform.libc();
    try {
      if (libc != null) {
        libc.madvise(address, length, MADV_DONTNEED);
      }
    } catch (LinkageError | RuntimeException e) {
      // the pages stay 4 KiB ones
    }
  }

  /** The C library's {@code madvise}; {@code void*} and {@code size_t} are 64-bit here. */
  interface LibC extends Library {
    int madvise(long address, long length, int advice);
  }

  /** The machine, read once. */
  private static final class Platform {
    private static final boolean SUPPORTED = System.getProperty("os.name", "").startsWith("Linux")
        && ("amd64".equals(System.getProperty("os.arch"))
            || "aarch64".equals(System.getProperty("os.arch")));
    private static final String THP_MODE = readMode();
    private static volatile LibC libc;

    static boolean supported() {
      return SUPPORTED;
    }

    static String thpMode() {
      return THP_MODE;
    }

    private static String readMode() {
      if (!SUPPORTED) {
        return null;
      }
      try {
        return selected(Files.readString(Path.of(SYSFS)));
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    static LibC libc() {
      LibC c = libc;
      if (c == null) {
        synchronized (Platform.class) {
          c = libc;
          if (c == null) {
            try {
              c = Native.load("c", LibC.class);
            } catch (LinkageError | RuntimeException e) {
              return null;
            }
            libc = c;
          }
        }
      }
      return c;
    }
  }
}
