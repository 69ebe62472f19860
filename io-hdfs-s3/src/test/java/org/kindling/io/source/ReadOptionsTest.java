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
    // HDFS streamed, s3:// streamed and s3a on its one reader: no read-ahead, the consumer reads
    // the part's one stream or GET (decisions 0078, 0083); local files read four chunks ahead
    assertThat(ReadOptions.forFile(new Path("hdfs://nn/a.rec"), conf).queueChunks())
        .isEqualTo(ReadOptions.HDFS_QUEUE_CHUNKS).isZero();
    for (String file : new String[] {"s3a://b/a.rec", "s3://b/a.rec"}) {
      assertThat(ReadOptions.forFile(new Path(file), conf).queueChunks()).as(file)
          .isEqualTo(ReadOptions.S3_QUEUE_CHUNKS).isZero();
    }
    assertThat(ReadOptions.forFile(new Path("file:/a.rec"), conf).queueChunks())
        .isEqualTo(ReadOptions.DEFAULT_QUEUE_CHUNKS).isEqualTo(4);
    // positioned HDFS reads and s3://'s parallel ranged GETs keep their reader threads ahead
    Configuration positioned = new Configuration(conf);
    positioned.setBoolean(ReadOptions.SEQUENTIAL_KEY, false);
    for (String file : new String[] {"hdfs://nn/a.rec", "s3://b/a.rec"}) {
      assertThat(ReadOptions.forFile(new Path(file), positioned).queueChunks()).as(file)
          .isEqualTo(ReadOptions.DEFAULT_QUEUE_CHUNKS);
    }
    // s3a reads only positioned reads, so sequential false changes nothing; reader threads set
    // above one would have nothing to do without a queue, so they get one
    assertThat(ReadOptions.forFile(new Path("s3a://b/a.rec"), positioned).queueChunks()).isZero();
    Configuration twoReaders = new Configuration(conf);
    twoReaders.setInt(ReadOptions.THREADS_KEY, 2);
    assertThat(ReadOptions.forFile(new Path("s3a://b/a.rec"), twoReaders))
        .isEqualTo(new ReadOptions(ReadOptions.DEFAULT_CHUNK_BYTES, 2,
            ReadOptions.DEFAULT_QUEUE_CHUNKS, true));
    // a queue set wins over every store's default
    Configuration queued = new Configuration(conf);
    queued.setInt(ReadOptions.QUEUE_CHUNKS_KEY, 4);
    for (String file : new String[] {"hdfs://nn/a.rec", "s3a://b/a.rec", "s3://b/a.rec"}) {
      assertThat(ReadOptions.forFile(new Path(file), queued).queueChunks()).as(file).isEqualTo(4);
    }

    conf.setInt(ReadOptions.CHUNK_BYTES_KEY, 3000);
    conf.setInt(ReadOptions.THREADS_KEY, 3);
    conf.setInt(ReadOptions.QUEUE_CHUNKS_KEY, 5);
    conf.setBoolean(ReadOptions.SEQUENTIAL_KEY, false);
    for (String file : new String[] {"file:/a.rec", "hdfs://nn/a.rec", "s3a://b/a.rec",
        "s3://b/a.rec"}) {
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
    assertThat(ReadOptions.defaultQueueChunks("S3", true)).isZero();
    assertThat(ReadOptions.defaultQueueChunks("S3A", true)).isZero();
  }
}
