package org.kindling.tensor.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The pooled storage manager under every NDArray, as MXNet's pooled {@code Storage}: native memory
 * (malloc through JavaCPP, 64-byte aligned, outside the Java heap and the direct-buffer limit)
 * handed out in size buckets and taken back into per-bucket free lists when an array is released,
 * so that a training loop reuses the same blocks step after step, never waiting for the garbage
 * collector.
 *
 * <p>Buckets: sizes up to 16 MiB round up to a power of two (at least 64 bytes); larger sizes to
 * a multiple of 16 MiB (MXNet's rounding with a linear cutoff). Every byte is accounted: in use
 * plus pooled may not pass {@link #limit()}; when a request would, the idle pool is freed first,
 * and if that is not enough the request fails with {@link StorageLimitException} naming the cap.
 *
 * <p>The cap is {@code -Dkindling.memory.limit} (bytes, or with a k/m/g suffix), by default the
 * JVM's maximum heap ({@code -Xmx}), the same default the JVM uses for direct buffers. Whoever
 * configures the process otherwise (Spark's {@code spark.kindling.memory.limit}, a command line
 * option) changes it with {@link #setLimit}. A Spark executor needs {@code
 * spark.executor.memoryOverhead} of at least this much.
 *
 * <p>Huge pages: on Linux x86_64/aarch64 whose transparent huge pages are {@code always} or
 * {@code madvise}, blocks of 2 MiB and more are allocated 2 MiB-aligned and {@code
 * madvise(MADV_HUGEPAGE)}d, so that a layer streaming large weights (a fully-connected layer at
 * batch 1) reads them through 2 MiB pages ({@link HugePages}; {@code
 * -Dkindling.storage.hugePages=off} turns it off). The cap counts a block's usable bytes only:
 * the up to 2 MiB of address space malloc'ed around it for the alignment is never touched, so
 * the kernel never backs it with memory.
 */
public final class Storage {
  /** Below this size buckets are powers of two; above it, multiples of it. */
  static final long LINEAR_CUTOFF = 16L << 20;
  static final long MIN_BUCKET = 64;
  /**
   * The largest array the pool hands out: 2 GiB less 16 MiB, the largest bucket whose block,
   * with the room malloc'ed for its alignment, one {@link ByteBuffer} still holds. A tensor of
   * more bytes (VGG-16's first convolution's output at batch 256 is 3.1 GiB) cannot be one array.
   */
  public static final long MAX_ARRAY_BYTES = (1L << 31) - LINEAR_CUTOFF;
  private static final int ALIGN = 64;

  private static volatile Storage instance;

  /** How the default cap is raised, as the limit error says it. */
  static final String DEFAULT_SETTING = "-Dkindling.memory.limit=SIZE (Spark jobs:"
      + " spark.kindling.memory.limit, with spark.executor.memoryOverhead to match)";

  private long limit;
  private String setting = DEFAULT_SETTING;
  private final HugePages hugePages;
  private final Map<Long, Deque<Chunk>> free = new HashMap<>();
  private long inUse;
  private long pooled;
  private long peak;
  private long allocations;
  private long reuses;

  /**
   * A pool with its own cap and the configured huge page policy (tests; production uses {@link
   * #get()}).
   */
  public Storage(long limitBytes) {
    this(limitBytes, HugePages.configured());
  }

  /** A pool with its own cap and huge page policy. */
  Storage(long limitBytes, HugePages hugePages) {
    if (limitBytes <= 0) {
      throw new IllegalArgumentException("storage limit must be positive, got " + limitBytes);
    }
    this.limit = limitBytes;
    this.hugePages = java.util.Objects.requireNonNull(hugePages, "hugePages");
  }

  /** The process-wide pool, created on first use with the configured cap. */
  public static Storage get() {
    Storage s = instance;
    if (s == null) {
      synchronized (Storage.class) {
        s = instance;
        if (s == null) {
          s = new Storage(configuredLimit());
          instance = s;
        }
      }
    }
    return s;
  }

  /**
   * Sets the cap on in-use plus pooled bytes for the requests to come (arrays already allocated
   * keep their memory; the idle pool is freed if it no longer fits).
   *
   * @param bytes the new cap, positive
   * @param setting how the user raises it, e.g. {@code "spark.kindling.memory.limit=SIZE"}; the
   *     limit error quotes it
   */
  public synchronized void setLimit(long bytes, String setting) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("storage limit must be positive, got " + bytes);
    }
    this.limit = bytes;
    this.setting = java.util.Objects.requireNonNull(setting, "setting");
    if (inUse + pooled > limit) {
      trimLocked();
    }
  }

  /** Sets the cap back to the default: {@code -Dkindling.memory.limit}, or the JVM's -Xmx. */
  public void resetLimit() {
    setLimit(configuredLimit(), DEFAULT_SETTING);
  }

  /** The cap from {@code kindling.memory.limit}, or the JVM's maximum heap. */
  static long configuredLimit() {
    String v = System.getProperty("kindling.memory.limit");
    if (v == null || v.isBlank()) {
      return Runtime.getRuntime().maxMemory();
    }
    return parseBytes(v, "-Dkindling.memory.limit");
  }

  /** Parses {@code 512m}, {@code 4g}, {@code 1048576}. */
  public static long parseBytes(String v, String what) {
    String t = v.trim().toLowerCase(Locale.ROOT);
    long mult = 1;
    if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g") || t.endsWith("t")) {
      mult = switch (t.charAt(t.length() - 1)) {
        case 'k' -> 1L << 10;
        case 'm' -> 1L << 20;
        case 'g' -> 1L << 30;
        default -> 1L << 40;
      };
      t = t.substring(0, t.length() - 1);
    }
    try {
      long n = Long.parseLong(t);
      if (n > 0) {
        return Math.multiplyExact(n, mult);
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // reported below
    }
    throw new IllegalArgumentException(what + "=" + v + " is not a positive size such as 512m or 4g");
  }

  /** The bucket (usable size) a request of {@code bytes} gets. */
  static long bucketFor(long bytes) {
    if (bytes <= MIN_BUCKET) {
      return MIN_BUCKET;
    }
    if (bytes <= LINEAR_CUTOFF) {
      return Long.highestOneBit(bytes - 1) << 1;
    }
    return (bytes + LINEAR_CUTOFF - 1) / LINEAR_CUTOFF * LINEAR_CUTOFF;
  }

  /**
   * A chunk of at least {@code bytes} bytes with one holder; its contents are undefined.
   *
   * @throws StorageLimitException if the cap would be passed even after freeing the idle pool
   * @throws IllegalArgumentException if {@code bytes} is negative or above {@link
   *     #MAX_ARRAY_BYTES}
   */
  public Chunk acquire(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative size " + bytes);
    }
    if (bytes > MAX_ARRAY_BYTES) {
      // else the bucket's ByteBuffer would overflow its int capacity further down
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "an array of %d bytes (%s): one Kindling array holds at most %d bytes (%s, a"
              + " ByteBuffer); split the work, e.g. bind a smaller batch", bytes, human(bytes),
          MAX_ARRAY_BYTES, human(MAX_ARRAY_BYTES)));
    }
    long bucket = bucketFor(bytes);
    Chunk c;
    synchronized (this) {
      Deque<Chunk> list = free.get(bucket);
      c = list == null ? null : list.pollFirst();
      if (c != null) {
        pooled -= bucket;
        reuses++;
      } else {
        if (inUse + pooled + bucket > limit) {
          trimLocked();
        }
        if (inUse + bucket > limit) {
          throw new StorageLimitException(String.format(Locale.ROOT,
              "Kindling array memory limit reached: a request of %s (bucket %s) with %s in use "
                  + "would pass the cap of %s; raise it with %s, or release arrays you no "
                  + "longer need (NDArray.close, NDScope)",
              human(bytes), human(bucket), human(inUse), human(limit), setting));
        }
        c = allocate(bucket);
        allocations++;
      }
      inUse += bucket;
      peak = Math.max(peak, inUse);
    }
    c.revive();
    return c.retain();
  }

  private Chunk allocate(long bucket) {
    boolean huge = hugePages.applies(bucket);
    long align = huge ? HugePages.SIZE : ALIGN;
    // malloc gives 16-byte alignment; asking for `align` more bytes leaves room to start the
    // block on the next multiple of `align` (2 MiB: whole huge pages, none shared with malloc's
    // header or a neighbour)
    Pointer p = Pointer.malloc(bucket + align);
    if (p == null || p.isNull()) {
      throw new OutOfMemoryError("malloc of " + (bucket + align) + " bytes failed");
    }
    long misalign = p.address() % align;
    long skip = misalign == 0 ? 0 : align - misalign;
    if (huge) {
      // before the first touch, so that the page faults themselves take huge pages
      hugePages.advise(p.address() + skip, bucket);
    }
    ByteBuffer whole = new BytePointer(p).capacity(bucket + align).asByteBuffer();
    ByteBuffer b = whole.position((int) skip).limit((int) (skip + bucket)).slice()
        .order(ByteOrder.nativeOrder());
    return new Chunk(this, p, b, bucket);
  }

  /**
   * A zeroed direct buffer of {@code bytes} outside the pool and the cap, for memory that lives
   * as long as a Java object holds it (an inference kernel's weights kept in its primitive's
   * layout): a {@link ByteBuffer#allocateDirect} (so the JVM's direct-memory limit and garbage
   * collector bound and free it as any direct buffer), 64-byte aligned and, where this storage
   * gives a block of that size huge pages, 2 MiB-aligned with its whole huge pages advised and
   * dropped after the JVM zeroed them, so that its first write faults huge pages in (a blocked
   * copy of a classifier's weights, read once per pass, costs 1.7x the CPU in 4 KiB pages;
   * docs/benchmarks.md, h-fc).
   *
   * @throws IllegalArgumentException if {@code bytes} is negative or a ByteBuffer cannot hold it
   *     with the alignment (2 GiB less 2 MiB)
   */
  public ByteBuffer unpooled(long bytes) {
    return unpooledBlock(bytes).buffer();
  }

  /**
   * {@link #unpooled}, with the means to free its memory now ({@link Unpooled#free}) rather
   * than when the collector finds it unreachable.
   *
   * @throws IllegalArgumentException as {@link #unpooled}
   */
  public Unpooled unpooledBlock(long bytes) {
    if (bytes < 0 || bytes > Integer.MAX_VALUE - HugePages.SIZE) {
      throw new IllegalArgumentException("an unpooled buffer of " + bytes
          + " bytes: one ByteBuffer holds 0 to 2 GiB less 2 MiB");
    }
    boolean huge = hugePages.applies(bytes);
    long align = huge ? HugePages.SIZE : ALIGN;
    ByteBuffer raw = ByteBuffer.allocateDirect((int) (bytes + align));
    long address = new Pointer(raw).address();
    long skip = (align - address % align) % align;
    if (huge) {
      hugePages.adviseTouched(address + skip, bytes / HugePages.SIZE * HugePages.SIZE);
    }
    return new Unpooled(raw, raw.duplicate().position((int) skip).limit((int) (skip + bytes))
        .slice().order(ByteOrder.nativeOrder()));
  }

  /** Called by the chunk's last release. */
  void giveBack(Chunk c) {
    synchronized (this) {
      inUse -= c.bucket();
      pooled += c.bucket();
      free.computeIfAbsent(c.bucket(), k -> new ArrayDeque<>()).addFirst(c);
    }
  }

  /** Frees every idle chunk's memory now. */
  public synchronized void trim() {
    trimLocked();
  }

  private void trimLocked() {
    for (Deque<Chunk> list : free.values()) {
      for (Chunk c : list) {
        Pointer.free(c.base());
        pooled -= c.bucket();
      }
      list.clear();
    }
  }

  /** The cap on in-use plus pooled bytes. */
  public synchronized long limit() {
    return limit;
  }

  /** The huge page policy of this pool, e.g. for a log line. */
  public String hugePages() {
    return hugePages.toString();
  }

  /** A consistent snapshot of the accounting. */
  public synchronized Stats stats() {
    return new Stats(inUse, pooled, peak, limit, allocations, reuses);
  }

  /**
   * The pool's accounting.
   *
   * @param inUseBytes bytes held by live arrays (bucket sizes)
   * @param pooledBytes idle bytes kept for reuse
   * @param peakInUseBytes the largest {@code inUseBytes} seen
   * @param limitBytes the cap
   * @param allocations native allocations made
   * @param reuses requests served from the pool
   */
  public record Stats(long inUseBytes, long pooledBytes, long peakInUseBytes, long limitBytes,
      long allocations, long reuses) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "in use %s, pooled %s, peak %s, cap %s, %d allocations, "
          + "%d reuses", human(inUseBytes), human(pooledBytes), human(peakInUseBytes),
          human(limitBytes), allocations, reuses);
    }
  }

  /** {@code 1.5 MiB}-style sizes for messages. */
  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
