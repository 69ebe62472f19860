package org.kindling.tensor.winograd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.nn.Convolution;

/** The bind-time rule and clock for large calls ({@link LargeCalls}). */
class LargeCallsTest {
  private static Convolution.Params conv(int k) {
    return Convolution.Params.of(new int[] {3, 3}, k).withPad(1, 1);
  }

  private static KernelSignature signature(Convolution.Params p, int... data) {
    OpInstance<Convolution.Params> op = OpInstance.of(Convolution.OP, p);
    Shape[] in = new Shape[op.inputNames().size()];
    in[0] = Shape.of(data);
    Shape[] out = new Shape[1];
    op.inferShape(new ShapeSlots(in, out, op.inputNames(), op.outputNames()));
    DType[] it = new DType[in.length];
    Arrays.fill(it, DType.FLOAT32);
    return new KernelSignature(in, it, out, new DType[] {DType.FLOAT32});
  }

  @Test
  void wideLayersOfLargeCallsTakeF4WithoutAMeasurement() {
    // VGG-16's conv3_1 (128→256, 56x56) and conv4_2 (512→512, 28x28) at batch 64
    for (KernelSignature sig : new KernelSignature[] {signature(conv(256), 64, 128, 56, 56),
        signature(conv(512), 64, 512, 28, 28)}) {
      Convolution.Params p = conv(sig.out(0).get(1));
      assertThat(LargeCalls.large(p, sig, 2)).as("%s", sig.in(0)).isTrue();
      assertThat(LargeCalls.certain(p, sig, 2)).as("%s", sig.in(0)).isEqualTo(Variant.F4);
      assertThat(LargeCalls.certain(p, sig, 1)).as("%s", sig.in(0)).isEqualTo(Variant.F4);
      BindTimeChoice.Decision d = BindTimeChoice.decide(p, sig, 2);
      assertThat(d.variant()).isEqualTo(Variant.F4);
      assertThat(d.fasterWinograd()).as("force takes the same").isEqualTo(Variant.F4);
      assertThat(d.fallbackNanos()).as("not measured").isZero();
      assertThat(BindTimeChoice.decide(p, sig, 2)).as("kept").isSameAs(d);
    }
  }

  @Test
  void oneHundredTwentyEightChannelsOn112x112MapsTakeF4WithoutAMeasurement() {
    // VGG-16's conv2_2 (128→128, harmonic channel count 64) at batch 64 (decision 0058)
    KernelSignature conv22 = signature(conv(128), 64, 128, 112, 112);
    assertThat(LargeCalls.large(conv(128), conv22, 2)).isTrue();
    assertThat(LargeCalls.certain(conv(128), conv22, 2)).isEqualTo(Variant.F4);
    // the same channels on 56x56 maps (below the large-map extent, below 80): measured
    assertThat(LargeCalls.certain(conv(128), signature(conv(128), 64, 128, 56, 56), 2)).isNull();
    // ... and on 112x112 maps of a call too small for large blocks
    KernelSignature one = signature(conv(128), 1, 128, 112, 112);
    assertThat(LargeCalls.large(conv(128), one, 2)).isFalse();
    assertThat(LargeCalls.certain(conv(128), one, 2)).isNull();
  }

  @Test
  void narrowLayersSmallMapsAndSmallCallsAreMeasured() {
    // 64→128 (42.7) and 64→64 (32) at batch 64 on large maps: large, measured
    KernelSignature conv22 = signature(conv(128), 64, 128, 112, 112);
    assertThat(LargeCalls.certain(conv(128), signature(conv(128), 64, 64, 112, 112), 2)).isNull();
    KernelSignature conv12 = signature(conv(64), 64, 64, 224, 224);
    assertThat(LargeCalls.large(conv(64), conv12, 2)).isTrue();
    assertThat(LargeCalls.certain(conv(64), conv12, 2)).isNull();
    // 14x14 maps waste 23% of F(4x4)'s outputs
    KernelSignature conv5 = signature(conv(512), 64, 512, 14, 14);
    assertThat(LargeCalls.large(conv(512), conv5, 2)).isTrue();
    assertThat(LargeCalls.certain(conv(512), conv5, 2)).isNull();
    // batch 1 at 28x28: 49 tiles, too few for large blocks
    KernelSignature one = signature(conv(512), 1, 512, 28, 28);
    assertThat(LargeCalls.large(conv(512), one, 2)).isFalse();
    assertThat(LargeCalls.certain(conv(512), one, 2)).isNull();
    assertThat(LargeCalls.clock(conv(512), one, 2)).as("a small call keeps its clock").isNull();
    // one thread: the calling thread's CPU time already counts the whole call
    assertThat(LargeCalls.clock(conv(128), conv22, 1)).isNull();
    assertThat(LargeCalls.clock(conv(128), conv22, 2)).as("Linux: the process's CPU time")
        .isNotNull();
  }

  @Test
  void theRuleCanBeTurnedOff() {
    KernelSignature sig = signature(conv(256), 64, 256, 56, 56);
    assertThat(LargeCalls.certain(conv(256), sig, 2)).isEqualTo(Variant.F4);
    System.setProperty(LargeCalls.RULE, "false");
    try {
      assertThat(LargeCalls.certain(conv(256), sig, 2)).isNull();
    } finally {
      System.clearProperty(LargeCalls.RULE);
    }
  }
}
