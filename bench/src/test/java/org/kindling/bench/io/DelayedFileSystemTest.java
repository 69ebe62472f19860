package org.kindling.bench.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request count {@link ShuffleLatency}, {@link LenetLatency} and {@link TaskReadLatency}
 * report comes from {@link DelayedFileSystem}: one per positioned read, one per sequential stream
 * started (after an open or a seek elsewhere), none for reads that continue a stream.
 */
class DelayedFileSystemTest {
  @Test
  void countsOneRequestPerPositionedReadAndPerSequentialStreamStarted(@TempDir Path dir)
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
    long before = DelayedFileSystem.requests();
    try (FileSystem fs = p.getFileSystem(conf); FSDataInputStream in = fs.open(p)) {
      assertEquals(fs.getFileStatus(p).getLen(), data.length);
      assertEquals(0, DelayedFileSystem.requests() - before, "an open and a status send nothing");
      byte[] a = new byte[100];
      in.readFully(300, a, 0, a.length);
      byte[] b = new byte[10];
      in.readFully(990, b, 0, b.length);
      assertEquals(2, DelayedFileSystem.requests() - before, "one per positioned read");
      assertArrayEquals(Arrays.copyOfRange(data, 300, 400), a);
      assertArrayEquals(Arrays.copyOfRange(data, 990, 1000), b);
      assertEquals((byte) 0, (byte) in.read(), "the stream starts at 0");
      byte[] c = new byte[200];
      in.readFully(c);
      assertArrayEquals(Arrays.copyOfRange(data, 1, 201), c);
      assertEquals(3, DelayedFileSystem.requests() - before,
          "the first sequential read starts a stream; the reads continuing it are free");
      in.readFully(500, b, 0, b.length); // a positioned read does not end the stream
      in.seek(in.getPos()); // nor does a seek to where it is
      assertEquals((byte) (201 * 7), (byte) in.read());
      assertEquals(4, DelayedFileSystem.requests() - before);
      in.seek(700);
      assertEquals((byte) (700 * 7), (byte) in.read());
      assertEquals((byte) (701 * 7), (byte) in.read());
      assertEquals(5, DelayedFileSystem.requests() - before, "a seek elsewhere: a new stream");
    }
  }
}
