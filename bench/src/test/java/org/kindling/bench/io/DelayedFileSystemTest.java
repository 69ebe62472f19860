package org.kindling.bench.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request count {@link ShuffleLatency} reports comes from {@link DelayedFileSystem}. */
class DelayedFileSystemTest {
  @Test
  void countsOnePositionedReadPerRequestAndNotTheSequentialOnes(@TempDir Path dir)
      throws IOException {
    byte[] data = new byte[1000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7);
    }
    Path file = Files.write(dir.resolve("f.bin"), data);
    Configuration conf = new Configuration();
    conf.set("fs.delayed.impl", DelayedFileSystem.class.getName());
    conf.setBoolean("fs.delayed.impl.disable.cache", true);
    conf.setInt(DelayedFileSystem.DELAY_KEY, 0);
    org.apache.hadoop.fs.Path p =
        new org.apache.hadoop.fs.Path("delayed://" + file.toUri().getPath());
    try (FileSystem fs = p.getFileSystem(conf); FSDataInputStream in = fs.open(p)) {
      long before = DelayedFileSystem.requests();
      byte[] a = new byte[100];
      in.readFully(300, a, 0, a.length);
      byte[] b = new byte[10];
      in.readFully(990, b, 0, b.length);
      assertEquals(2, DelayedFileSystem.requests() - before);
      assertArrayEquals(java.util.Arrays.copyOfRange(data, 300, 400), a);
      assertArrayEquals(java.util.Arrays.copyOfRange(data, 990, 1000), b);
      in.seek(0);
      in.read();
      assertEquals(2, DelayedFileSystem.requests() - before, "a sequential read is no request");
    }
  }
}
