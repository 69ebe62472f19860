package org.kindling.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MavenVersionsTest {

  @Test
  void readsTheVersionOfAJarOnTheClassPath() {
    assertThat(MavenVersions.of("org.openjdk.jmh", "jmh-core")).isEqualTo("1.37");
  }

  @Test
  void unknownArtifactIsAQuestionMark() {
    assertThat(MavenVersions.of("org.example", "no-such-artifact")).isEqualTo("?");
  }
}
