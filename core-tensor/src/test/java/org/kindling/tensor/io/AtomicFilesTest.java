package org.kindling.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @Test
  void writeCreatesOrReplacesTheTargetAndLeavesNoTemporaryFile(@TempDir Path dir)
      throws Exception {
    Path target = dir.resolve("model-symbol.json");
    AtomicFiles.write(target, out -> out.write("first".getBytes(StandardCharsets.UTF_8)));
    assertThat(Files.readString(target)).isEqualTo("first");
    AtomicFiles.write(target, out -> out.write("second".getBytes(StandardCharsets.UTF_8)));
    assertThat(Files.readString(target)).isEqualTo("second");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void contentThatFailsHalfwayLeavesTheOldTargetAndNoTemporaryFile(@TempDir Path dir)
      throws Exception {
    Path target = dir.resolve("keep.json");
    Files.writeString(target, "old contents");
    assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
      out.write("partial".getBytes(StandardCharsets.UTF_8));
      throw new IOException("disk full");
    })).isInstanceOf(IOException.class).hasMessage("disk full");
    assertThat(Files.readString(target)).isEqualTo("old contents");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }
}
