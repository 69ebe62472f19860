package org.kindling.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The jar users hand to {@code spark-submit}: all of Kindling plus JavaCPP and OpenBLAS with
 * their linux-x86_64 natives, and nothing that Spark already ships (Spark, Scala, Hadoop, Netty,
 * Jackson, SLF4J, Log4j), which would clash with the cluster's copies.
 */
class AssemblyJarIT {

  static Path assemblyJar() {
    Path jar = Path.of(System.getProperty("kindling.assembly.jar",
        "../spark-connector/target/kindling-spark-assembly-0.1.0-SNAPSHOT.jar"));
    assertThat(jar).as("the assembly is built by spark-connector's package phase").exists();
    return jar;
  }

  @Test
  void holdsKindlingAndTheNativesButNothingSparkShips() throws IOException {
    try (JarFile jar = new JarFile(assemblyJar().toFile())) {
      List<String> names = jar.stream().map(JarEntry::getName).toList();
      assertThat(names).contains(
          "org/kindling/spark/TrainJob.class",
          "org/kindling/spark/KindlingModel.class",
          "org/kindling/tensor/NDArray.class",
          "org/kindling/tensor/io/ParamsFile.class",
          "org/kindling/symbol/module/Module.class",
          "org/kindling/kvstore/KVStoreServer.class",
          "org/kindling/io/split/RecordIOSplit.class",
          "org/kindling/io/source/S3ByteStore.class",
          "software/amazon/awssdk/services/s3/S3Client.class",
          "org/bytedeco/javacpp/Loader.class",
          "org/bytedeco/openblas/global/openblas_full.class");
      assertThat(names).anyMatch(n -> n.startsWith("org/bytedeco/openblas/linux-x86_64/")
          && n.contains("libopenblas") && n.contains(".so"));
      assertThat(names).anyMatch(n -> n.startsWith("org/bytedeco/javacpp/linux-x86_64/")
          && n.endsWith("libjnijavacpp.so"));
      assertThat(names).anyMatch(n -> n.startsWith("org/bytedeco/opencv/linux-x86_64/")
          && n.contains("libopencv_imgcodecs.so"));
      assertThat(names).contains("org/bytedeco/opencv/global/opencv_imgcodecs.class");
      assertThat(names).noneMatch(n -> n.contains("opencv_dnn") || n.contains("/python/"));
      for (String prefix : List.of("org/apache/spark/", "scala/", "org/apache/hadoop/",
          "io/netty/", "com/fasterxml/jackson/", "org/slf4j/", "org/apache/logging/log4j/",
          "com/google/protobuf/", "org/xerial/snappy/", "org/apache/commons/logging/")) {
        assertThat(names).as("entries under " + prefix).noneMatch(n -> n.startsWith(prefix));
      }
      assertThat(names).noneMatch(n -> n.matches("META-INF/[^/]+\\.(SF|DSA|RSA)"));
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("org.kindling.spark.TrainJob");
    }
    // natives for one platform only (about 50 MB with oneDNN), of OpenCV only core/imgproc/
    // imgcodecs (decision 0022) and the AWS SDK's S3 client for s3:// (about 10 MB): about
    // 70 MB, not the hundreds of MB of all platforms
    assertThat(Files.size(assemblyJar())).isBetween(5L << 20, 80L << 20);
  }
}
