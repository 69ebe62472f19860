package org.kindling.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;
import org.kindling.io.recordio.RecordIOWriter;

/** Shared helpers for this module's tests: payload generators, files, and a raw part parser. */
public final class TestData {
  /** The magic as it appears on disk. */
  public static final byte[] MAGIC = {0x0A, 0x23, (byte) 0xD7, (byte) 0xCE};

  private TestData() {}

  /** The shared fixtures directory (system property {@code kindling.shared.dir}). */
  public static Path sharedDir() {
    String dir = System.getProperty("kindling.shared.dir");
    if (dir == null) {
      throw new IllegalStateException("system property kindling.shared.dir is not set");
    }
    return Path.of(dir);
  }

  /** Concatenates byte arrays. */
  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** ASCII bytes. */
  public static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * Payloads built mostly from magic words, with odd-sized pieces in between so magics land at
   * aligned and unaligned offsets; empty payloads are common.
   */
  public static Arbitrary<byte[]> magicHeavyPayloads() {
    Arbitrary<byte[]> token = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(MAGIC)),
        Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(3)),
        Tuple.of(1, Arbitraries.just(new byte[] {0x0A, 0x23})),
        Tuple.of(1, Arbitraries.just(new byte[] {0x23, (byte) 0xD7, (byte) 0xCE})),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(4).ofMaxSize(40)));
    return token.list().ofMaxSize(12).map(list -> concat(list.toArray(new byte[0][])));
  }

  /** Writes records into a RecordIO byte array; returns the bytes and each record's offset. */
  public static Written write(List<byte[]> records) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Long> offsets = new ArrayList<>();
    try (RecordIOWriter w = new RecordIOWriter(bytes)) {
      for (byte[] r : records) {
        offsets.add(w.tell());
        w.write(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Written(bytes.toByteArray(), offsets);
  }

  /**
   * A written RecordIO image.
   *
   * @param bytes the file bytes
   * @param offsets offset of each record's first part
   */
  public record Written(byte[] bytes, List<Long> offsets) {}

  /**
   * A physical part as found by walking the bytes (independently of the reader under test).
   *
   * @param offset file offset of the part's magic
   * @param cflag continuation flag
   * @param length payload length
   */
  public record Part(long offset, int cflag, int length) {}

  /** Walks a well-formed RecordIO image part by part. */
  public static List<Part> parts(byte[] file) {
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    List<Part> parts = new ArrayList<>();
    while (b.hasRemaining()) {
      int at = b.position();
      int magic = b.getInt();
      if (magic != 0xCED7230A) {
        throw new AssertionError("no magic at " + at);
      }
      int lrec = b.getInt();
      int len = lrec & ((1 << 29) - 1);
      parts.add(new Part(at, lrec >>> 29, len));
      b.position(b.position() + ((len + 3) & ~3));
    }
    return parts;
  }

  /** A fresh directory under {@code target/} (surefire's working directory is the module). */
  public static Path newTempDir(String prefix) {
    try {
      Path base = Path.of("target", "test-tmp");
      Files.createDirectories(base);
      return Files.createTempDirectory(base, prefix).toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a directory tree, ignoring a missing one. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
