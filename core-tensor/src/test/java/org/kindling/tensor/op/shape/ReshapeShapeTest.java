package org.kindling.tensor.op.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;
import org.kindling.testing.Gen;
import org.kindling.testing.SeededProperty;

/** MXNet's Reshape special values, with the examples from MXNet's documentation. */
class ReshapeShapeTest {
  private static Shape out(Shape in, int... spec) {
    return Reshape.outputShape(Reshape.Params.of(spec), in);
  }

  @Test
  void specialValuesFollowMxnetDocumentation() {
    Shape s234 = Shape.of(2, 3, 4);
    assertThat(out(s234, 4, 0, 2)).isEqualTo(Shape.of(4, 3, 2));
    assertThat(out(s234, 2, 0, 0)).isEqualTo(Shape.of(2, 3, 4));
    assertThat(out(s234, 6, 1, -1)).isEqualTo(Shape.of(6, 1, 4));
    assertThat(out(s234, 3, -1, 8)).isEqualTo(Shape.of(3, 1, 8));
    assertThat(out(s234, -1)).isEqualTo(Shape.of(24));
    assertThat(out(s234, -2)).isEqualTo(Shape.of(2, 3, 4));
    assertThat(out(s234, 2, -2)).isEqualTo(Shape.of(2, 3, 4));
    assertThat(out(s234, -2, 1, 1)).isEqualTo(Shape.of(2, 3, 4, 1, 1));
    assertThat(out(s234, -3, 4)).isEqualTo(Shape.of(6, 4));
    assertThat(out(Shape.of(2, 3, 4, 5), -3, -3)).isEqualTo(Shape.of(6, 20));
    assertThat(out(s234, 0, -3)).isEqualTo(Shape.of(2, 12));
    assertThat(out(Shape.of(2, 3, 4, 5), -3, -2)).isEqualTo(Shape.of(6, 4, 5));
    assertThat(out(s234, -4, 1, 2, -2)).isEqualTo(Shape.of(1, 2, 3, 4));
    assertThat(out(s234, 2, -4, -1, 3, -2)).isEqualTo(Shape.of(2, 1, 3, 4));
  }

  @Test
  void reverseAppliesTheRulesFromTheRight() {
    Shape in = Shape.of(10, 5, 4);
    assertThat(out(in, -1, 0)).isEqualTo(Shape.of(40, 5));
    Reshape.Params reversed = new Reshape.Params(new int[] {-1, 0}, true, new int[0], false);
    assertThat(Reshape.outputShape(reversed, in)).isEqualTo(Shape.of(50, 4));
  }

  @Test
  void legacyTargetShapeInfersTheZeroDimension() {
    Reshape.Params p = new Reshape.Params(new int[0], false, new int[] {0, 0}, true);
    assertThat(Reshape.outputShape(p, Shape.of(3, 4, 2))).isEqualTo(Shape.of(3, 8));
    Reshape.Params q = new Reshape.Params(new int[0], false, new int[] {4, 0}, false);
    assertThat(Reshape.outputShape(q, Shape.of(2, 6))).isEqualTo(Shape.of(4, 3));
  }

  @Test
  void impossibleSpecsAreErrors() {
    assertThatThrownBy(() -> out(Shape.of(2, 3), -1, -1)).hasMessageContaining("more than one -1");
    assertThatThrownBy(() -> out(Shape.of(2, 3), 4, 2)).hasMessageContaining("different size");
    assertThatThrownBy(() -> out(Shape.of(2, 3), 0, 0, 0)).hasMessageContaining("refers past");
    assertThatThrownBy(() -> out(Shape.of(6), -4, -1, -1)).hasMessageContaining("both be -1");
    assertThatThrownBy(() -> out(Shape.of(6), -4, 4, -1)).hasMessageContaining("do not divide");
    assertThatThrownBy(() -> out(Shape.of(6), -7)).hasMessageContaining("invalid value -7");
  }

  /** Raw ints turned into 1 to 4 dims of 1..5, and how many leading dims the spec keeps. */
  record Case(int[] raw, int keep) {}

  @Test
  void minusOneFlattensAndZeroKeepsLeadingDims() {
    SeededProperty.check(200, r -> new Case(Gen.anyInts(r, 1, 4), r.nextInt(0, 4)),
        c -> minusOneFlattensAndZeroKeepsLeadingDims(c.raw(), c.keep()));
  }

  private static void minusOneFlattensAndZeroKeepsLeadingDims(int[] raw, int keep) {
    int[] dims = new int[raw.length];
    for (int i = 0; i < raw.length; i++) {
      dims[i] = 1 + Math.floorMod(raw[i], 5);
    }
    Shape in = Shape.of(dims);
    assertThat(out(in, -1)).isEqualTo(Shape.of((int) in.size()));
    int k = Math.min(keep, dims.length);
    int[] spec = new int[k + 1];
    spec[k] = -1;
    Shape o = out(in, spec);
    assertThat(o.size()).isEqualTo(in.size());
    for (int i = 0; i < k; i++) {
      assertThat(o.get(i)).isEqualTo(dims[i]);
    }
  }
}
