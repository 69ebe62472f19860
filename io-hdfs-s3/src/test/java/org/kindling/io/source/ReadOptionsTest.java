package org.kindling.io.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

class ReadOptionsTest {

  @Test
  void eachStoreReadsWithItsOwnChunkSizeUnlessOneIsConfigured() {
    Configuration conf = new Configuration(false);
    assertThat(ReadOptions.forFile(new Path("file:/data/a.rec"), conf).chunkBytes())
        .isEqualTo(ReadOptions.LOCAL_CHUNK_BYTES).isEqualTo(1 << 20);
    assertThat(ReadOptions.forFile(new Path("hdfs://nn:8020/data/a.rec"), conf).chunkBytes())
        .isEqualTo(ReadOptions.HDFS_CHUNK_BYTES).isEqualTo(4 << 20);
    assertThat(ReadOptions.forFile(new Path("s3://bucket/a.rec"), conf).chunkBytes())
        .isEqualTo(ReadOptions.DEFAULT_CHUNK_BYTES).isEqualTo(4 << 20);
    assertThat(ReadOptions.forFile(new Path("s3a://bucket/a.rec"), conf).chunkBytes())
        .isEqualTo(ReadOptions.DEFAULT_CHUNK_BYTES);
    assertThat(ReadOptions.forFile(new Path("/no/scheme.rec"), conf).chunkBytes())
        .isEqualTo(ReadOptions.DEFAULT_CHUNK_BYTES);
    assertThat(ReadOptions.forFile(new Path("s3a://bucket/a.rec"), conf).threads())
        .isEqualTo(ReadOptions.S3A_THREADS).isEqualTo(1);
    assertThat(ReadOptions.forFile(new Path("hdfs://nn/a.rec"), conf).threads())
        .isEqualTo(ReadOptions.DEFAULT_THREADS).isEqualTo(2);
    // HDFS streamed: no read-ahead, the consumer reads the stream (decision 0078); positioned
    // reads and the other stores read four chunks ahead
    assertThat(ReadOptions.forFile(new Path("hdfs://nn/a.rec"), conf).queueChunks())
        .isEqualTo(ReadOptions.HDFS_QUEUE_CHUNKS).isZero();
    for (String file : new String[] {"file:/a.rec", "s3a://b/a.rec", "s3://b/a.rec"}) {
      assertThat(ReadOptions.forFile(new Path(file), conf).queueChunks()).as(file)
          .isEqualTo(ReadOptions.DEFAULT_QUEUE_CHUNKS).isEqualTo(4);
    }
    Configuration positioned = new Configuration(conf);
    positioned.setBoolean(ReadOptions.SEQUENTIAL_KEY, false);
    assertThat(ReadOptions.forFile(new Path("hdfs://nn/a.rec"), positioned).queueChunks())
        .isEqualTo(ReadOptions.DEFAULT_QUEUE_CHUNKS);

    conf.setInt(ReadOptions.CHUNK_BYTES_KEY, 3000);
    conf.setInt(ReadOptions.THREADS_KEY, 3);
    conf.setInt(ReadOptions.QUEUE_CHUNKS_KEY, 5);
    conf.setBoolean(ReadOptions.SEQUENTIAL_KEY, false);
    for (String file : new String[] {"file:/a.rec", "hdfs://nn/a.rec", "s3a://b/a.rec"}) {
      assertThat(ReadOptions.forFile(new Path(file), conf)).as(file)
          .isEqualTo(new ReadOptions(3000, 3, 5, false));
    }
  }

  @Test
  void schemesAreCaseInsensitive() {
    assertThat(ReadOptions.defaultChunkBytes("FILE")).isEqualTo(ReadOptions.LOCAL_CHUNK_BYTES);
    assertThat(ReadOptions.defaultChunkBytes(null)).isEqualTo(ReadOptions.DEFAULT_CHUNK_BYTES);
    assertThat(ReadOptions.defaultThreads("S3A")).isEqualTo(ReadOptions.S3A_THREADS);
    assertThat(ReadOptions.defaultQueueChunks("HDFS", true)).isZero();
  }
}
