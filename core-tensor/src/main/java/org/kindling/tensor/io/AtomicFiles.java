package org.kindling.tensor.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Local-file writes that leave {@code target} either its old self or complete, never partial:
 * checkpoints ({@code .params}, {@code -symbol.json}) are replaced while training runs, and a
 * crash in the middle must not leave a truncated file for the next run to load.
 */
public final class AtomicFiles {
  /** What to write; the stream is closed by {@link #write}. */
  @FunctionalInterface
  public interface Content {
    /** Writes the whole file content to {@code out}. */
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  /**
   * Writes {@code content} to a temporary file in {@code target}'s directory, forces it to disk,
   * atomically renames it over {@code target}, then syncs the directory so the rename survives a
   * crash. On failure the temporary file is removed and {@code target} is untouched.
   *
   * @throws IOException if writing, syncing or the atomic rename fails
   */
  public static void write(Path target, Content content) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        content.writeTo(Channels.newOutputStream(ch));
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot atomically replace " + abs + ": " + e.getMessage(), e);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    syncDirectory(dir);
  }

  /** Makes a rename in {@code dir} durable; a no-op where directories cannot be opened. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some platforms (Windows) cannot open a directory; the rename itself already happened
    }
  }
}
