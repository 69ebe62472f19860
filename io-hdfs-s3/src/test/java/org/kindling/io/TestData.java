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
import java.util.Random;
import org.kindling.io.recordio.RecordIOWriter;
import org.kindling.testing.Gen;

/** Shared helpers for this module's tests: payload generators, files, and a raw part parser. */
public final class TestData {
  /** The magic as it appears on disk. */
  public static final byte[] MAGIC = {0x0A, 0x23, (byte) 0xD7, (byte) 0xCE};

  private TestData() {}

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
  public static byte[] magicHeavyPayload(Random r) {
    List<byte[]> tokens = Gen.listOf(r, 0, 12, t -> switch (Gen.weighted(t, 6, 2, 1, 1, 1)) {
      case 0 -> MAGIC;
      case 1 -> Gen.bytes(t, 1, 3);
      case 2 -> new byte[] {0x0A, 0x23};
      case 3 -> new byte[] {0x23, (byte) 0xD7, (byte) 0xCE};
      default -> Gen.bytes(t, 4, 40);
    });
    return concat(tokens.toArray(new byte[0][]));
  }

  /**
   * 1-39 lowercase letters, one time in four doubled around a magic word (which splits the
   * record into several parts): payloads whose record heads the skip-corrupt tests break.
   */
  public static byte[] lettersPayload(Random r) {
    byte[] a = new byte[r.nextInt(1, 40)];
    for (int i = 0; i < a.length; i++) {
      a[i] = (byte) ('a' + r.nextInt(26));
    }
    return r.nextInt(4) == 0 ? concat(a, MAGIC, a) : a;
  }

  /** Up to 20 {@link #magicHeavyPayload}s. */
  public static List<byte[]> magicHeavyRecords(Random r) {
    return Gen.listOf(r, 0, 20, TestData::magicHeavyPayload);
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
