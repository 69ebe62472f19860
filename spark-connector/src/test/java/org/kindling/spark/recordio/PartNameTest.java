package org.kindling.spark.recordio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartNameTest {
  private static final String ID = "0f8e2d4c-1b3a-4c5d-9e6f-a7b8c9d0e1f2";

  @Test
  void aPartIsNumberedAndCarriesItsJobsId() {
    PartName p = new PartName(12, ID);
    assertThat(p.base()).isEqualTo("part-00012-" + ID);
    assertThat(PartName.parse(p.base() + ".rec")).isEqualTo(p);
    assertThat(PartName.parse(p.base() + ".idx")).isEqualTo(p);
  }

  @Test
  void partsOfTheOldNamingHaveNoJobId() {
    assertThat(PartName.parse("part-00003.rec")).isEqualTo(new PartName(3, null));
    assertThat(PartName.parse("part-123456.idx")).isEqualTo(new PartName(123456, null));
    assertThat(new PartName(3, null).base()).isEqualTo("part-00003");
  }

  @Test
  void otherNamesAreNoParts() {
    for (String name : new String[] {"_SUCCESS", "part-00001.rec.crc", ".part-00001.rec.crc",
        "part-00001-" + ID + ".rec.tmp", "part-00001-notanid.rec", "part-.rec", "a.rec",
        "part-00001", "part-1234567890.rec", "part-00001-" + ID.toUpperCase() + ".rec"}) {
      assertThat(PartName.parse(name)).as(name).isNull();
    }
  }
}
