package org.kindling.io.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.io.LocatedRecord;
import org.kindling.io.recordio.IndexedRecordIOWriter;
import org.kindling.testing.SeededProperty;

class IndexedPartSourceTest {
  @TempDir java.nio.file.Path dir;

  /** Writes n records "r<i>" under keys written in reverse order (the index is not sorted). */
  private Path[] write(int n) throws IOException {
    java.nio.file.Path rec = dir.resolve("d" + n + ".rec");
    java.nio.file.Path idx = dir.resolve("d" + n + ".idx");
    try (OutputStream r = Files.newOutputStream(rec); OutputStream x = Files.newOutputStream(idx);
        IndexedRecordIOWriter w = new IndexedRecordIOWriter(r, x)) {
      for (int i = 0; i < n; i++) {
        w.write(n - 1 - i, ("r" + i).getBytes());
      }
    }
    return new Path[] {new Path(rec.toUri()), new Path(idx.toUri())};
  }

  private static List<String> pass(IndexedPartSource s) throws IOException {
    List<String> out = new ArrayList<>();
    for (LocatedRecord r = s.next(); r != null; r = s.next()) {
      out.add(new String(r.payload()));
    }
    return out;
  }

  @Test
  void partsSplitTheIndexByCeilingStepsInFileOrderAndCoverEveryRecordOnce() throws IOException {
    SeededProperty.check(40, rnd -> new int[] {rnd.nextInt(30), 1 + rnd.nextInt(7)}, c -> {
      int n = c[0];
      int parts = c[1];
      Path[] f = write(n);
      Set<String> seen = new HashSet<>();
      int step = (n + parts - 1) / parts;
      for (int k = 0; k < parts; k++) {
        try (IndexedPartSource s =
            IndexedPartSource.open(f[0], f[1], new Configuration(), k, parts, false, 0)) {
          List<String> got = pass(s);
          int begin = Math.min(n, k * step);
          int end = Math.min(n, (k + 1) * step);
          assertThat(got).hasSize(end - begin);
          for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).isEqualTo("r" + (begin + i));
          }
          assertThat(seen.addAll(got)).isEqualTo(!got.isEmpty());
        }
      }
      assertThat(seen).hasSize(n);
    });
  }

  @Test
  void shuffleIsAPermutationDrawnFromTheSeedAndRedrawnEveryPass() throws IOException {
    Path[] f = write(40);
    List<List<String>> passes = new ArrayList<>();
    try (IndexedPartSource s =
        IndexedPartSource.open(f[0], f[1], new Configuration(), 1, 2, true, 7)) {
      for (int p = 0; p < 3; p++) {
        passes.add(pass(s));
        s.reset();
      }
    }
    List<String> sorted = new ArrayList<>();
    for (int i = 20; i < 40; i++) {
      sorted.add("r" + i);
    }
    for (List<String> p : passes) {
      assertThat(p).containsExactlyInAnyOrderElementsOf(sorted).isNotEqualTo(sorted);
    }
    assertThat(passes.get(1)).isNotEqualTo(passes.get(0));
    try (IndexedPartSource again =
        IndexedPartSource.open(f[0], f[1], new Configuration(), 1, 2, true, 7)) {
      assertThat(pass(again)).isEqualTo(passes.get(0));
    }
    assertThatThrownBy(() -> IndexedPartSource.open(f[0], f[1], new Configuration(), 2, 2,
        false, 0)).hasMessageContaining("part_index 2");
  }
}
