package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The oracle itself: the real MXNet 1.9.1 loads from the Maven jar, failed calls report
 * MXNet's own error, and only one OpenBLAS (Kindling's) is mapped into the process.
 */
class MxnetLoadsIT {
  @Test
  void loadsMxnet191FromTheExtractedJar() throws IOException {
    Mxnet mx = Mxnet.get();

    // DJL's 1.9.1 build reports MXNET_VERSION 10900, the value its symbol JSON carries too
    assertThat(mx.version()).isEqualTo(10900);
    assertThat(Mxnet.mappedLibraries("libmxnet.so")).containsExactly(mx.library().toString());
  }

  @Test
  void kindlingAndMxnetShareKindlingsOpenBlas() throws IOException {
    Mxnet.get();

    assertThat(Mxnet.mappedLibraries("libopenblas.so.0"))
        .singleElement().asString().contains("javacpp");
  }

  @Test
  void aFailedCallCarriesMxnetsLastError() {
    assertThatThrownBy(() -> MxSymbol.fromJson("{\"nodes\": 42}"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("MXNet MXSymbolCreateFromJSON failed (rc -1): ")
        .hasMessageContaining("MXNetError");
  }
}
