package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kindling.it.mxnet.ZooMatchesMxnetIT.maxAbs;
import static org.kindling.it.mxnet.ZooMatchesMxnetIT.relativeError;
import static org.kindling.it.mxnet.ZooMatchesMxnetIT.widen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kindling.it.mxnet.ZooMatchesMxnetIT.Run;
import org.kindling.it.mxnet.ZooTrainingMatchesMxnetIT.Step;
import org.kindling.symbol.Executor;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * Why MXNet 1.9.1's native CPU kernels ({@code MXNET_MKLDNN_ENABLED=0}, the {@code
 * mxnet-oracle-native} execution only) give training gradients of {@code resnet20_v1} that differ
 * from Kindling's by about 1e-2 while its oneDNN kernels agree with Kindling within 1e-5
 * (docs/decisions/0007): float32 rounding at the kink of a relu, not a fault of either library.
 *
 * <p>MXNet's native BatchNorm ({@code src/operator/nn/batch_norm.cc}) sums the batch mean,
 * variance and the backward sums in {@code AccReal}, which is float for float32 data, one element
 * after another; Kindling sums them in double. So MXNet's float32 forward pass is about twice as
 * far from its own float64 run as Kindling's. In this network, one of the 12,544 pre-activations
 * of {@code stage3_unit2}'s final relu (the sum {@code _plus7}) is -5.9e-6 in float64, within
 * that rounding of zero: MXNet's float32 makes it positive and passes its gradient, Kindling and
 * float64 keep it negative and block it. That one element moves the gradients below it by up to
 * 7e-2 ({@code stage3_unit2_conv2_weight}), while those above it stay within 1e-4.
 *
 * <p>This test shows exactly that: Kindling's gradients are within {@value #TIGHT} of MXNet's
 * float64 ones; the only relu inputs whose sign MXNet's native float32 gets wrong are within its
 * own float32 error of zero; its gradients above the first such relu agree with float64, those
 * below do not.
 */
class ReluKinkNativeIT {
  /** How close Kindling's gradients are to MXNet's float64 ones, relative as in the zoo test. */
  static final double TIGHT = 1e-5;

  /**
   * Runs with MXNet's native kernels only: it/pom.xml includes it in the {@code
   * mxnet-oracle-native} execution alone, and it steps aside where {@code -Dit.test=...} also
   * brings it into the oneDNN one.
   */
  @BeforeAll
  static void onlyWithNativeKernels() {
    OracleExecution.require();
    Assumptions.assumeTrue("0".equals(System.getenv("MXNET_MKLDNN_ENABLED")),
        "runs in the mxnet-oracle-native execution (MXNET_MKLDNN_ENABLED=0) only");
  }

  @Test
  void nativeFloat32CrossesAReluKinkThatKindlingAndFloat64Agree() {
    Run run = ZooTrainingMatchesMxnetIT.resnet20v1();
    Step step = Step.of(run);

    // every relu input of ResNet v1: the first BatchNorm of a unit and the unit's sum
    Symbol internals = run.net().internals();
    List<String> reluInputs = new ArrayList<>();
    List<Symbol> outputs = new ArrayList<>();
    for (String o : internals.listOutputs()) {
      if (o.matches("stage\\d+_unit\\d+_bn1_output|_plus\\d+_output")) {
        reluInputs.add(o);
        outputs.add(internals.get(o));
      }
    }
    assertThat(reluInputs).as("relu inputs of resnet20_v1").hasSize(18);
    Symbol probe = Symbol.group(outputs.toArray(new Symbol[0]));
    List<double[]> m32 = forward(probe, step, false);
    List<double[]> m64 = forward(probe, step, true);
    List<double[]> k32 = kindlingForward(probe, step);

    String firstKink = null;
    for (int j = 0; j < reluInputs.size(); j++) {
      double[] ref = m64.get(j);
      double rounding = 0;
      for (int i = 0; i < ref.length; i++) {
        rounding = Math.max(rounding, Math.abs(m32.get(j)[i] - ref[i]));
      }
      for (int i = 0; i < ref.length; i++) {
        assertThat(k32.get(j)[i] > 0).as("sign of Kindling's %s #%d (float64: %.3g)",
            reluInputs.get(j), i, ref[i]).isEqualTo(ref[i] > 0);
        if (m32.get(j)[i] > 0 != ref[i] > 0) {
          assertThat(Math.abs(ref[i])).as("MXNet's float32 %s #%d is %.3g, float64 %.3g: a "
              + "sign within its rounding (%.3g) of zero", reluInputs.get(j), i, m32.get(j)[i],
              ref[i], rounding).isLessThanOrEqualTo(rounding);
          if (firstKink == null) {
            firstKink = reluInputs.get(j);
            System.out.printf("ReluKinkNativeIT %s #%d: float64 %.4g, MXNet native float32 %.4g,"
                + " Kindling %.4g (MXNet float32's largest error on it %.3g of %.3g)%n",
                firstKink, i, ref[i], m32.get(j)[i], k32.get(j)[i], rounding, maxAbs(ref));
          }
        }
      }
    }
    assertThat(firstKink).as("a relu input whose sign MXNet's native float32 gets wrong")
        .isNotNull();

    // gradients: Kindling's are float64's; MXNet float32's are, down to that relu only
    Map<String, double[]> k = step.kindling();
    Map<String, double[]> m = step.mxnet(false);
    Map<String, double[]> ref = step.mxnet(true);
    double floor = ZooTrainingMatchesMxnetIT.GRADIENT_FLOOR * step.largestGradient(ref);
    List<String> above = paramsAbove(firstKink, step.params());
    assertThat(above).as("parameters above %s", firstKink).isNotEmpty();
    double worstBelow = 0;
    String worstBelowName = null;
    for (String p : step.params()) {
      String n = "gradient of " + p;
      double eK = relativeError(k.get(n), ref.get(n), floor);
      double eM = relativeError(m.get(n), ref.get(n), floor);
      assertThat(eK).as("Kindling's %s is %.3g from MXNet's float64 one", n, eK)
          .isLessThanOrEqualTo(TIGHT);
      if (above.contains(p)) {
        assertThat(eM).as("MXNet's native float32 %s (above the kink) is %.3g from float64", n,
            eM).isLessThanOrEqualTo(ZooMatchesMxnetIT.TOLERANCE);
      } else if (eM > worstBelow) {
        worstBelow = eM;
        worstBelowName = p;
      }
    }
    System.out.printf("ReluKinkNativeIT: below %s, MXNet native float32's gradients are up to "
        + "%.3g from float64 (%s)%n", firstKink, worstBelow, worstBelowName);
    assertThat(worstBelow).as("MXNet native float32's gradients below %s", firstKink)
        .isGreaterThan(1e-3);
  }

  /**
   * The parameters of the units after the one whose sum is {@code _plus<K>_output} (the K-th
   * unit, counting from 0), and those after all units: their gradients do not pass that sum's
   * relu. For the first BatchNorm of a unit, the parameters of the later units.
   */
  private static List<String> paramsAbove(String reluInput, List<String> params) {
    List<String> units = new ArrayList<>(new LinkedHashSet<>(params.stream()
        .filter(p -> p.matches("stage\\d+_unit\\d+_.*"))
        .map(p -> p.replaceFirst("^(stage\\d+_unit\\d+)_.*", "$1")).toList()));
    String unit = reluInput.startsWith("_plus")
        ? units.get(Integer.parseInt(reluInput.replaceAll("\\D", "")))
        : reluInput.substring(0, reluInput.indexOf("_bn1"));
    int last = -1;
    for (int i = 0; i < params.size(); i++) {
      if (params.get(i).startsWith(unit + "_")) {
        last = i;
      }
    }
    return params.subList(last + 1, params.size());
  }

  /** MXNet's training-mode forward pass of {@code probe}'s outputs. */
  private static List<double[]> forward(Symbol probe, Step step, boolean float64) {
    List<double[]> out = new ArrayList<>();
    try (MxExecutor exec = new MxExecutor(probe.toJson(), step.argValues(), List.of(),
        step.auxValues(), float64)) {
      exec.forward(true);
      exec.outputs().forEach(r -> out.add(r.data()));
    }
    return out;
  }

  /** Kindling's training-mode forward pass of {@code probe}'s outputs. */
  private static List<double[]> kindlingForward(Symbol probe, Step step) {
    Map<String, NDArray> args = new LinkedHashMap<>();
    Map<String, NDArray> aux = new LinkedHashMap<>();
    step.argValues().forEach((n, v) -> args.put(n, NDArray.of(v.data(), Shape.of(v.shape()))));
    step.auxValues().forEach((n, v) -> aux.put(n, NDArray.of(v.data(), Shape.of(v.shape()))));
    List<double[]> out = new ArrayList<>();
    try (Executor exec = probe.bind(args, Map.of(), Map.of(), aux)) {
      exec.forward(true);
      exec.outputs().forEach(o -> out.add(widen(o.toFloatArray())));
    } finally {
      args.values().forEach(NDArray::close);
      aux.values().forEach(NDArray::close);
    }
    return out;
  }
}
