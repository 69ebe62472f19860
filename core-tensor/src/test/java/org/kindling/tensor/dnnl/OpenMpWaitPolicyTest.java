package org.kindling.tensor.dnnl;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Native;
import org.junit.jupiter.api.Test;

class OpenMpWaitPolicyTest {
  @Test
  void oneDnnLoadsWithPassiveWaitUnlessTheEnvironmentChoseAPolicy() {
    assertThat(Dnnl.get()).as("oneDNN's natives load").isNotNull();
    String atStart = System.getenv(OpenMpWaitPolicy.VARIABLE); // the JVM's copy from its start
    String now = Native.load("c", OpenMpWaitPolicy.LibC.class).getenv(OpenMpWaitPolicy.VARIABLE);
    assertThat(now).isEqualTo(atStart != null ? atStart : "passive");
    // a second call changes nothing and reports what libgomp read
    assertThat(OpenMpWaitPolicy.preferPassive()).isEqualTo(now);
  }
}
