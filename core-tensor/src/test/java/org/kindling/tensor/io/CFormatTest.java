package org.kindling.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Expected strings were printed by glibc's {@code printf("%.9g")} for the same bit patterns. */
class CFormatTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "0x0000000000000000 | 0",
    "0x8000000000000000 | -0",
    "0x3ff0000000000000 | 1",
    "0xbff0000000000000 | -1",
    "0x3fb999999999999a | 0.1",
    "0x3fb99999a0000000 | 0.100000001",
    "0x3ddb7cdfd9d7bdbb | 1e-10",
    "0x423cbe991a140000 | 1.23456789e+11",
    "0x419d6f3454000000 | 123456789",
    "0x41d26580b4800000 | 1.23456789e+09",
    "0x41cdcd6500000000 | 1e+09",
    "0x41cdcd64ff800000 | 999999999",
    "0x41cdcd64ffc00000 | 1e+09",
    "0x4202a05f1fd80000 | 1e+10",
    "0x3f1a36e2eb1c432d | 0.0001",
    "0x3ee4f8b588e368f1 | 1e-05",
    "0x3f202e85be111841 | 0.000123456789",
    "0x4059000000000000 | 100",
    "0x54b249ad2594c37d | 1e+100",
    "0x81a56e1fc2f8f359 | -1e-300",
    "0x0000000000000001 | 4.94065646e-324",
    "0x7fefffffffffffff | 1.79769313e+308",
    "0x4004000000000000 | 2.5",
    "0x3fe0000000000000 | 0.5",
    "0x3fd5555555555555 | 0.333333333",
    "0x3fe5555555555555 | 0.666666667",
    "0x40c81cd6e631f8a1 | 12345.6789",
    "0x4341c37937e08000 | 1e+16",
    "0x3eff75104d551d69 | 3e-05",
    "0x3f1a36e2eae3f7a8 | 0.0001",
    "0x3f1a36e2eaabac23 | 9.99999999e-05",
    "0x40f869fffff583a5 | 100000",
    "0x4011666666666666 | 4.35",
    "0x444b1ae4d6e2ef50 | 1e+21",
    "0x40effc0000000000 | 65504",
    "0x3f10000000000000 | 6.10351562e-05",
    "0x4170000010000000 | 16777217",
    "0x3fd3333333333334 | 0.3",
    "0x40934a0000000000 | 1234.5",
    "0x3ee9e3abe16fc70d | 1.2345e-05",
    "0x7ff0000000000000 | inf",
    "0xfff0000000000000 | -inf",
    "0x7ff8000000000000 | nan",
    "0xfff8000000000000 | -nan",
  })
  void matchesGlibcAtPrecision9(String bits, String expected) {
    double v = Double.longBitsToDouble(Long.parseUnsignedLong(bits.substring(2), 16));
    assertThat(CFormat.g(v, 9)).isEqualTo(expected);
  }

  @Test
  void otherPrecisionsMatchGlibc() {
    assertThat(CFormat.g(123.456, 0)).isEqualTo("1e+02");
    assertThat(CFormat.g(0.000123456, 1)).isEqualTo("0.0001");
    assertThat(CFormat.g(2.0 / 3, 3)).isEqualTo("0.667");
    assertThat(CFormat.g(0.1, 17)).isEqualTo("0.10000000000000001");
    assertThatThrownBy(() -> CFormat.g(1, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
