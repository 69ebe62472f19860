package org.kindling.io.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageListMakerTest {
  private static final Configuration CONF = new Configuration();
  @TempDir Path dir;

  @BeforeEach
  void folder() throws IOException {
    for (String f : List.of("root/b.JPG", "root/a.jpg", "root/c.txt", "root/.jpg",
        "root/dog/z.jpg", "root/dog/sub/w.jpg", "root/cat/y.jpeg", "root/cat/x.jpg")) {
      Files.createDirectories(dir.resolve(f).getParent());
      Files.writeString(dir.resolve(f), f);
    }
    Files.createDirectories(dir.resolve("root/empty"));
  }

  private static org.apache.hadoop.fs.Path hp(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri());
  }

  private static ImageListMaker.Options options(boolean recursive, double train, double test,
      boolean shuffle, int chunks) {
    return new ImageListMaker.Options(recursive, Set.of(".jpeg", ".jpg"), chunks, train, test,
        Long.MAX_VALUE, shuffle, 100);
  }

  @Test
  void flatListingTakesTheRootsImagesByNameWithLabelZero() throws IOException {
    assertThat(ImageListMaker.list(hp(dir.resolve("root")), options(false, 1, 0, false, 1),
        CONF)).containsExactly(new ImageListMaker.Item(0, "a.jpg", 0),
            new ImageListMaker.Item(1, "b.JPG", 0));
  }

  @Test
  void recursiveListingGivesEachFolderAClassInTopDownSortedWalkOrder() throws IOException {
    assertThat(ImageListMaker.list(hp(dir.resolve("root")), options(true, 1, 0, false, 1), CONF))
        .containsExactly(new ImageListMaker.Item(0, "a.jpg", 0),
            new ImageListMaker.Item(1, "b.JPG", 0), new ImageListMaker.Item(2, "cat/x.jpg", 1),
            new ImageListMaker.Item(3, "cat/y.jpeg", 1), new ImageListMaker.Item(4, "dog/z.jpg", 2),
            new ImageListMaker.Item(5, "dog/sub/w.jpg", 3));
  }

  @Test
  void ratiosSplitEachChunkIntoTestTrainAndValFiles() throws IOException {
    List<org.apache.hadoop.fs.Path> files = ImageListMaker.make(hp(dir.resolve("root")),
        hp(dir.resolve("out/data")), options(true, 0.5, 0.25, false, 1), CONF);
    assertThat(files).extracting(org.apache.hadoop.fs.Path::getName)
        .containsExactly("data_test.lst", "data_val.lst", "data_train.lst");
    // 6 images: test [0, int(1.5)), train [1, 1 + int(3.0)), val the rest
    assertThat(Files.readString(dir.resolve("out/data_test.lst")))
        .isEqualTo("0\t0.000000\ta.jpg\n");
    assertThat(Files.readString(dir.resolve("out/data_train.lst"))).isEqualTo(
        "1\t0.000000\tb.JPG\n2\t1.000000\tcat/x.jpg\n3\t1.000000\tcat/y.jpeg\n");
    assertThat(Files.readString(dir.resolve("out/data_val.lst")))
        .isEqualTo("4\t2.000000\tdog/z.jpg\n5\t3.000000\tdog/sub/w.jpg\n");
  }

  @Test
  void chunksAndShuffleKeepEveryImageOnce() throws IOException {
    List<org.apache.hadoop.fs.Path> files = ImageListMaker.make(hp(dir.resolve("root")),
        hp(dir.resolve("out/data")), options(true, 1, 0, true, 2), CONF);
    assertThat(files).extracting(org.apache.hadoop.fs.Path::getName)
        .containsExactly("data_0.lst", "data_1.lst");
    List<String> lines = new java.util.ArrayList<>();
    lines.addAll(Files.readAllLines(dir.resolve("out/data_0.lst")));
    lines.addAll(Files.readAllLines(dir.resolve("out/data_1.lst")));
    assertThat(Files.readAllLines(dir.resolve("out/data_0.lst"))).hasSize(3);
    assertThat(lines).containsExactlyInAnyOrder("0\t0.000000\ta.jpg", "1\t0.000000\tb.JPG",
        "2\t1.000000\tcat/x.jpg", "3\t1.000000\tcat/y.jpeg", "4\t2.000000\tdog/z.jpg",
        "5\t3.000000\tdog/sub/w.jpg");
    assertThat(lines.get(0)).as("shuffled with seed 100").isNotEqualTo("0\t0.000000\ta.jpg");
    assertThatThrownBy(() -> options(true, 0.8, 0.3, true, 1)).hasMessageContaining(
        "--train-ratio");
  }

  @Test
  void aNewListingReplacesTheOldListWholeAndLeavesNoOtherFile() throws IOException {
    Files.createDirectories(dir.resolve("out"));
    Files.writeString(dir.resolve("out/data.lst"), "an older list that is longer than the new\n"
        .repeat(20));
    ImageListMaker.make(hp(dir.resolve("root")), hp(dir.resolve("out/data")),
        options(false, 1, 0, false, 1), CONF);
    assertThat(Files.readString(dir.resolve("out/data.lst")))
        .isEqualTo("0\t0.000000\ta.jpg\n1\t0.000000\tb.JPG\n");
    // written through the store's atomic commit: no temporary or checksum file left beside it
    try (var names = Files.list(dir.resolve("out"))) {
      assertThat(names.map(f -> f.getFileName().toString())).containsExactly("data.lst");
    }
  }

  @Test
  void aMissingFolderIsAnErrorNamingIt() {
    assertThatThrownBy(() -> ImageListMaker.list(hp(dir.resolve("nothing")),
        options(true, 1, 0, false, 1), CONF))
        .isInstanceOf(java.io.FileNotFoundException.class).hasMessageContaining("nothing");
    assertThatThrownBy(() -> ImageListMaker.list(hp(dir.resolve("root/a.jpg")),
        options(true, 1, 0, false, 1), CONF))
        .isInstanceOf(java.io.FileNotFoundException.class).hasMessageContaining("a.jpg");
  }
}
