package org.kindling.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Fresh working directories under {@code target/} for the integration tests. */
final class TestDirs {
  private TestDirs() {}

  /** Deletes {@code dir} with everything in it (if it exists) and creates it empty. */
  static Path fresh(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return Files.createDirectories(dir);
  }
}
