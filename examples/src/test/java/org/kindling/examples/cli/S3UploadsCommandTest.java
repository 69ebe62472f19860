package org.kindling.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.kindling.io.source.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/** {@code kindling s3 uploads} against a real S3 protocol server (s3proxy) in the test JVM. */
class S3UploadsCommandTest {
  private static final String BUCKET = "cli-uploads";
  private static S3TestServer s3;

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3TestServer(BUCKET);
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  @Test
  void listsThenAbortsTheUploadsUnderAPrefixTabSeparated() {
    String a = start("out/job1/part-0.rec");
    String b = start("out/job1/part-0.idx");
    String keep = start("keep/part-9.rec");

    // s3proxy reports the time of the listing as every upload's start (its "bogus value"), so
    // the age filter is checked here only with a cutoff in the past
    CliRun young = run("--older-than", "1h", "s3://" + BUCKET + "/out/");
    assertThat(young.code()).isZero();
    assertThat(young.out()).as("started seconds ago, not an hour").isEmpty();
    CliRun notAborted = run("--abort", "--older-than", "1h", "s3://" + BUCKET + "/out/");
    assertThat(notAborted.err()).contains("aborted 0 upload(s)");

    CliRun listed = run("s3://" + BUCKET + "/out/");
    assertThat(listed.code()).as(listed.err()).isZero();
    List<String[]> rows = rows(listed);
    assertThat(rows).extracting(r -> r[0]).containsExactly(
        "s3://" + BUCKET + "/out/job1/part-0.idx", "s3://" + BUCKET + "/out/job1/part-0.rec");
    assertThat(rows).extracting(r -> r[1]).containsExactly(b, a);
    assertThat(rows).allSatisfy(r -> assertThat(Duration.between(Instant.parse(r[2]),
        Instant.now()).abs()).isLessThan(Duration.ofMinutes(5)));
    assertThat(inProgress()).hasSize(3);

    CliRun aborted = run("--abort", "s3://" + BUCKET + "/out/");
    assertThat(aborted.code()).as(aborted.err()).isZero();
    assertThat(rows(aborted)).extracting(r -> r[1]).containsExactly(b, a);
    assertThat(aborted.err()).contains("aborted 2 upload(s) under s3://" + BUCKET + "/out/");
    assertThat(inProgress()).extracting(MultipartUpload::uploadId).containsExactly(keep);
    assertThat(run("s3://" + BUCKET + "/out/").out()).isEmpty();
  }

  @Test
  void badArgumentsAreUsageErrorsNamingTheValue() {
    CliRun notS3 = CliRun.of("s3", "uploads", "s3a://" + BUCKET + "/out/");
    assertThat(notS3.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(notS3.err()).contains("'s3a://" + BUCKET + "/out/'").contains("s3 uploads --help");
    CliRun badAge = CliRun.of("s3", "uploads", "--older-than", "soon", "s3://" + BUCKET);
    assertThat(badAge.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(badAge.err()).contains("'soon' is not a duration");
    CliRun help = CliRun.of("s3", "uploads", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--abort", "--older-than", "AbortIncompleteMultipartUpload");
  }

  @Test
  void durationsParseInShortAndIsoForms() {
    S3Command.AgeConverter c = new S3Command.AgeConverter();
    assertThat(c.convert("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(c.convert("36h")).isEqualTo(Duration.ofHours(36));
    assertThat(c.convert("90m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(c.convert("45s")).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.convert("PT2H30M")).isEqualTo(Duration.ofMinutes(150));
    assertThat(c.convert("p1d")).isEqualTo(Duration.ofDays(1));
  }

  private static CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of("s3", "uploads",
        "--conf", "kindling.s3.endpoint=" + s3.endpoint(),
        "--conf", "kindling.s3.path.style=true",
        "--conf", "kindling.s3.access.key=" + S3TestServer.ACCESS,
        "--conf", "kindling.s3.secret.key=" + S3TestServer.SECRET));
    all.addAll(List.of(args));
    return CliRun.of(all.toArray(String[]::new));
  }

  private static List<String[]> rows(CliRun r) {
    List<String[]> rows = new ArrayList<>();
    for (String line : r.lines()) {
      String[] f = line.split("\t", -1);
      assertThat(f).as(line).hasSize(3);
      rows.add(f);
    }
    return rows;
  }

  private static String start(String key) {
    return s3.client.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
  }

  private static List<MultipartUpload> inProgress() {
    return s3.client.listMultipartUploads(b -> b.bucket(BUCKET)).uploads();
  }
}
