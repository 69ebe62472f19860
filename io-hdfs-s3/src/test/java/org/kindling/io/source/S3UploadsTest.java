package org.kindling.io.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Listing and aborting the multipart uploads in progress under a prefix, against a real S3
 * protocol server (s3proxy). s3proxy reports the time of the listing as every upload's start time
 * (a "bogus value" in its source), so the age filter is checked with cutoffs before and after now.
 */
class S3UploadsTest {
  private static S3TestServer s3;

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3TestServer("kindling-uploads");
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  @Test
  void listsByKeyPrefixAndStartTimeAndAbortsOnlyWhatItIsGiven() throws Exception {
    Instant before = Instant.now().minusSeconds(2); // the server's clock is this machine's
    // an upload a native write prepared and nobody completed (its handle lost with its driver)
    ByteStore store = ByteStores.forPath(new Path(s3.uri("jobs/a")), s3.conf());
    AtomicOutput prepared = store.create(new Path(s3.uri("jobs/a/part-0.rec")));
    prepared.stream().write(new byte[] {1, 2, 3});
    prepared.prepare();
    String nested = start("jobs/b/deep/part-1.rec");
    String sibling = start("jobsX/part-2.rec");
    String elsewhere = start("other/part-3.rec");
    S3Uploads uploads = S3Uploads.fromConf(s3.conf());

    List<S3Uploads.Upload> underJobs = uploads.list("s3://kindling-uploads/jobs/", null);
    assertThat(underJobs).extracting(S3Uploads.Upload::uri).containsExactly(
        "s3://kindling-uploads/jobs/a/part-0.rec", "s3://kindling-uploads/jobs/b/deep/part-1.rec");
    assertThat(underJobs.get(1).uploadId()).isEqualTo(nested);
    assertThat(underJobs).allSatisfy(u -> assertThat(u.initiated())
        .isAfter(before).isBefore(Instant.now().plusSeconds(2)));
    // a key prefix, as S3 lists: without the slash the sibling matches too
    assertThat(uploads.list("s3://kindling-uploads/jobs", null)).extracting(
        S3Uploads.Upload::uploadId).contains(sibling).hasSize(3);
    assertThat(uploads.list("s3://kindling-uploads", null)).hasSize(4);
    // started before a time: none of them an hour ago, all of them by a minute from now
    assertThat(uploads.list("s3://kindling-uploads/", Instant.now().minus(Duration.ofHours(1))))
        .isEmpty();
    assertThat(uploads.list("s3://kindling-uploads/jobs/",
        Instant.now().plus(Duration.ofMinutes(1)))).hasSize(2);

    for (S3Uploads.Upload u : underJobs) {
      assertThat(uploads.abort(u)).isTrue();
    }
    assertThat(uploads.abort(underJobs.get(0))).as("already aborted").isFalse();
    assertThat(uploads.list("s3://kindling-uploads/jobs/", null)).isEmpty();
    assertThat(uploads.list("s3://kindling-uploads", null)).extracting(
        S3Uploads.Upload::uploadId).containsExactlyInAnyOrder(sibling, elsewhere);
    assertThat(s3.exists("jobs/a/part-0.rec")).as("an aborted upload publishes nothing").isFalse();
  }

  @Test
  void aPrefixThatIsNotAnS3UriIsRefusedByName() {
    S3Uploads uploads = S3Uploads.fromConf(s3.conf());
    for (String bad : List.of("s3a://kindling-uploads/x", "/local/dir", "s3:///no-bucket",
        "s3://bad bucket/x")) {
      assertThatThrownBy(() -> uploads.list(bad, null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'")
          .hasMessageContaining("s3://bucket");
    }
  }

  private static String start(String key) {
    return s3.client.createMultipartUpload(b -> b.bucket(s3.bucket).key(key)).uploadId();
  }
}
