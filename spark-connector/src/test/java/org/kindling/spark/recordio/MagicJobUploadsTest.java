package org.kindling.spark.recordio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a magic-committer job's own upload records: committed tasks' {@code .pendingset}s and
 * every attempt's {@code .pending}s, the uncommitted ones being those no pendingset lists; a
 * missing directory has none; a record that is not S3A's JSON, or lacks its key or upload id, is
 * an error naming the file.
 */
class MagicJobUploadsTest {
  @TempDir
  Path dir;

  private static final String COMMITTED = "{\"destinationKey\":\"out/part-00000.rec\","
      + "\"uploadId\":\"u0\"}";
  private static final String UNCOMMITTED = "{\"destinationKey\":\"out/part-00001.rec\","
      + "\"uploadId\":\"u1\"}";

  private MagicJobUploads read() throws IOException {
    FileSystem local = FileSystem.getLocal(new Configuration());
    return MagicJobUploads.read(local, new org.apache.hadoop.fs.Path(dir.toUri()));
  }

  private void write(String relative, String text) throws IOException {
    Path p = dir.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  @Test
  void uploadsNoPendingsetListsAreTheUncommittedOnes() throws IOException {
    write("task_0/part-00000.rec.pending", COMMITTED);
    write("task_1/part-00001.rec.pending", UNCOMMITTED);
    write("job/task_0.pendingset", "{\"commits\":[" + COMMITTED + "]}");
    MagicJobUploads uploads = read();
    MagicJobUploads.Upload u0 = new MagicJobUploads.Upload("out/part-00000.rec", "u0");
    MagicJobUploads.Upload u1 = new MagicJobUploads.Upload("out/part-00001.rec", "u1");
    assertThat(uploads.all()).containsExactlyInAnyOrder(u0, u1);
    assertThat(uploads.uncommitted()).containsExactly(u1);
  }

  @Test
  void aMissingMagicDirectoryHasNoUploads() throws IOException {
    FileSystem local = FileSystem.getLocal(new Configuration());
    MagicJobUploads uploads = MagicJobUploads.read(local,
        new org.apache.hadoop.fs.Path(dir.resolve("absent").toUri()));
    assertThat(uploads.all()).isEmpty();
  }

  @Test
  void aRecordWithoutItsUploadIdIsAnErrorNamingTheFile() throws IOException {
    write("task_0/part-00000.rec.pending", "{\"destinationKey\":\"out/part-00000.rec\"}");
    IOException e = assertThrows(IOException.class, this::read);
    assertThat(e.getMessage()).contains("part-00000.rec.pending")
        .contains("without destinationKey or uploadId");
  }

  @Test
  void aRecordThatIsNotJsonIsAnErrorNamingTheFileAndPlace() throws IOException {
    write("job/task_0.pendingset", "{\"commits\":[" + COMMITTED + ",");
    IOException e = assertThrows(IOException.class, this::read);
    assertThat(e.getMessage()).contains("task_0.pendingset")
        .contains("not a JSON record of S3A's magic committer").contains("line 1");
  }
}
