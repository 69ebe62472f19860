package org.kindling.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeLibrariesTest {
  private static final List<String> MAPS = List.of(
      "7f00-7f10 r--p 00000000 08:01 11 /root/.javacpp/cache/x/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0",
      "7f10-7f20 r-xp 00010000 08:01 11 /root/.javacpp/cache/x/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0",
      "7f18-7f19 r-xp 00000000 08:01 14 /root/.javacpp/cache/x/org/bytedeco/openblas/linux-x86_64/libopenblas_nolapack.so.0",
      "7f20-7f30 r--p 00000000 08:01 12 /root/.djl.ai/mxnet/1.9.1-mkl-linux-x86_64/libmxnet.so",
      "7f30-7f40 rw-p 00000000 00:00 0 ",
      "7f40-7f50 r--p 00000000 08:01 13 /opt/with space/libopenblas.so.0",
      "7ffd-7ffe rw-p 00000000 00:00 0                          [stack]");

  @Test
  void mappedListsEachMatchingFileOnceInFirstMappingOrder() {
    assertThat(NativeLibraries.mapped(MAPS, "libopenblas.so.0")).containsExactly(
        Path.of("/root/.javacpp/cache/x/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0"),
        Path.of("/opt/with space/libopenblas.so.0"));
    assertThat(NativeLibraries.mapped(MAPS, "libmxnet.so"))
        .containsExactly(Path.of("/root/.djl.ai/mxnet/1.9.1-mkl-linux-x86_64/libmxnet.so"));
    assertThat(NativeLibraries.mapped(MAPS, "libgomp.so.1")).isEmpty();
  }

  @Test
  void noteNamesTheKernelOnlyWhenOneCopyIsMapped() {
    List<Path> one = NativeLibraries.mapped(MAPS.subList(0, 3), NativeLibraries.OPENBLAS);
    assertThat(NativeLibraries.openblasNote(one, "Cooperlake")).isEqualTo(
        "OpenBLAS: one copy in the process (openblas/linux-x86_64/libopenblas.so.0), kernel Cooperlake");
    List<Path> two = NativeLibraries.mapped(MAPS, NativeLibraries.OPENBLAS);
    assertThat(NativeLibraries.openblasNote(two, "Cooperlake"))
        .startsWith("OpenBLAS: 2 copies in the process (")
        .doesNotContain("Cooperlake");
    assertThat(NativeLibraries.openblasNote(List.of(), "Cooperlake")).isEqualTo("no OpenBLAS mapped");
  }

  @Test
  void thisProcessMapsKindlingsOpenblasOnceLoaded() throws Exception {
    org.kindling.tensor.kernel.Blas.coreName(); // loads it
    assertThat(NativeLibraries.mapped(NativeLibraries.OPENBLAS)).hasSize(1);
  }
}
