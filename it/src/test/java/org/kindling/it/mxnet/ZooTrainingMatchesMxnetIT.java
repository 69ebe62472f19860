package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kindling.symbol.zoo.ZooCases.CIFAR28;
import static org.kindling.it.mxnet.ZooMatchesMxnetIT.TOLERANCE;
import static org.kindling.it.mxnet.ZooMatchesMxnetIT.maxAbs;
import static org.kindling.it.mxnet.ZooMatchesMxnetIT.relativeError;
import static org.kindling.it.mxnet.ZooMatchesMxnetIT.widen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kindling.it.mxnet.ZooMatchesMxnetIT.Run;
import org.kindling.symbol.Executor;
import org.kindling.symbol.InferredShapes;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.zoo.InceptionBn;
import org.kindling.symbol.zoo.LeNet;
import org.kindling.symbol.zoo.Mlp;
import org.kindling.symbol.zoo.MobileNet;
import org.kindling.symbol.zoo.ResNet;
import org.kindling.symbol.zoo.ResNetConfig;
import org.kindling.symbol.zoo.ResNetV1;
import org.kindling.symbol.zoo.ZooCases;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.GradReq;

/**
 * One training step of zoo networks (BatchNorm on batch statistics) against real MXNet 1.9.1's
 * graph executor ({@code MXExecutorBindEX}, forward and backward): the probabilities, the
 * gradient of every parameter and the updated moving statistics. Runs in both MXNet oracle
 * executions, so MXNet's float32 result comes from its oneDNN kernels in one and from its native
 * CPU kernels ({@code MXNET_MKLDNN_ENABLED=0}) in the other. MXNet also runs the same graph in
 * float64 (native kernels, which accumulate in double), the reference for float32 rounding.
 *
 * <p>Each array must agree with MXNet's float32 result within {@value
 * ZooMatchesMxnetIT#TOLERANCE} of its largest magnitude (for a gradient, at least {@value
 * #GRADIENT_FLOOR} of the network's largest gradient, since the gradient of a bias before
 * BatchNorm is zero up to rounding). Where it does not, MXNet's float64 result decides: Kindling
 * must be no more than {@value #ROUNDING_FACTOR} times as far from it as MXNet's float32 result
 * is (two float32 computations of an ill-conditioned value err by the same order, either one
 * the more); every array must be within {@value #REFERENCE_TOLERANCE} of it. Two float32
 * effects make such differences legitimate:
 *
 * <ul>
 *   <li>ill conditioning: sums that nearly cancel (the gradient of a BatchNorm gamma followed by
 *       relu and another BatchNorm) and deep stacks of BatchNorm over few values (MobileNet at
 *       32x32, where the last layers normalize 4 values per channel), where float32 rounding of
 *       either library moves the result by 1e-4 or more;
 *   <li>the kink of relu: a pre-activation within float32 rounding of zero is positive on one side
 *       and negative on the other, so one passes that element's gradient and the other blocks it,
 *       which moves the gradients below it by 1e-2 and more. MXNet's native BatchNorm
 *       accumulates its batch statistics and backward sums in float, one element after another
 *       ({@code AccReal} is float for float32 in {@code batch_norm.cc}); its forward pass is
 *       about twice as far from float64 as Kindling's (which sums in double), and in {@code
 *       resnet20_v1} here it flips such an element ({@link ReluKinkNativeIT}), which puts its
 *       gradients up to 7e-2 from float64; {@code resnet20}'s are up to 7e-3 from it. Kindling's
 *       gradients of both are within 4e-6 of float64 on the default kernels. With oneDNN
 *       ({@code kindling.cpu.accel=auto}, the default) Kindling flips one such element of
 *       mobilenet0.25 ({@code conv_9_batchnorm}'s output 1305, -1.6e-6 on the default kernels),
 *       which moves its gradients up to 13% from float64 (docs/accel.md).
 * </ul>
 *
 * <p>So rounding is told from errors by the problem's own <b>conditioning</b>, measured without
 * the kernels under test: how far MXNet's float64 result, and Kindling's on the default kernels,
 * move when every input and parameter changes in its 6th digit ({@value #NUDGES} patterns, the
 * largest change counts). An array may also be {@value #CONDITIONING_FACTOR} times that from
 * float64 (past a kink that a nudge flips too, mobilenet0.25's moves by 13.4%). A gradient that
 * float64 gives as zero up to its own rounding (a bias before BatchNorm) is rounding noise in
 * either float32 result, whose size depends on the order of the sum: it is judged by {@value
 * #REFERENCE_TOLERANCE} alone. And so that these allowances cannot hide a kernel error, the same
 * judgement must reject, in every array, one element moved {@value #INJECTED_ERROR} of the
 * array's scale further from float64 (a wrong window, pad or layout errs by the order of the
 * values).
 *
 * <p>Inputs are drawn as in {@link ZooMatchesMxnetIT}. Networks with Dropout (AlexNet, VGG) are
 * compared at inference only there: their training masks are random. The largest relative
 * differences are printed per network.
 */
class ZooTrainingMatchesMxnetIT {
  /**
   * Gradient arrays are compared relative to their largest magnitude or this fraction of the
   * network's largest gradient, whichever is larger.
   */
  static final double GRADIENT_FLOOR = 1e-3;
  /**
   * How many times MXNet's own float32 error (distance from its float64 result) Kindling's
   * result may be from float64 where the two float32 results differ by more than the tolerance.
   */
  static final double ROUNDING_FACTOR = 2;
  /** The furthest any of Kindling's arrays may be from MXNet's float64 result. */
  static final double REFERENCE_TOLERANCE = 1e-3;
  /**
   * How many times the float64 result's own change under a 6th-digit change of every input an
   * array may be from float64 (or from MXNet's float32 result's distance to it).
   */
  static final double CONDITIONING_FACTOR = 2;
  /** The error, relative to an array's scale, that the bounds of every array must reject. */
  static final double INJECTED_ERROR = 0.5;
  /** How many ways the inputs are nudged to measure the conditioning (the worst counts). */
  static final int NUDGES = 6;

  static List<Run> training() {
    ResNetConfig bottleneck = new ResNetConfig(new int[] {1, 1}, new int[] {16, 32, 64}, true);
    List<Run> r = new ArrayList<>(List.of(
        new Run("mlp", Mlp.get(10), new int[] {4, 1, 28, 28}, 10),
        new Run("lenet", LeNet.get(10), new int[] {4, 1, 28, 28}, 10),
        new Run("resnet20", ResNet.get(10, 20, CIFAR28), new int[] {4, 3, 28, 28}, 10),
        resnet20v1(),
        new Run("resnet-bottleneck", ResNet.resnet(bottleneck, 5, Shape.of(3, 48, 48)),
            new int[] {2, 3, 48, 48}, 5),
        new Run("resnet-bottleneck_v1", ResNetV1.resnet(bottleneck, 5, Shape.of(3, 48, 48)),
            new int[] {2, 3, 48, 48}, 5),
        new Run("mobilenet0.25", MobileNet.get(10, 0.25, 32), new int[] {4, 3, 32, 32}, 10)));
    r.add(new Run("inception-bn", InceptionBn.get(10, CIFAR28), new int[] {2, 3, 28, 28},
        10));
    return r;
  }

  /** Runs in the MXNet oracle executions only ({@link OracleExecution}). */
  @BeforeAll
  static void onlyInTheOracleJvm() {
    OracleExecution.require();
  }

  /** ResNet-20 v1 at 28x28, batch 4 (also the case of {@link ReluKinkNativeIT}). */
  static Run resnet20v1() {
    return new Run("resnet20_v1", ResNetV1.get(10, 20, CIFAR28), new int[] {4, 3, 28, 28}, 10);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void trainingStepMatchesMxnetExecutor(Run run) {
    Step step = Step.of(run);
    Map<String, double[]> k = step.kindling();
    Map<String, double[]> m = step.mxnet(false);
    Map<String, double[]> ref = step.mxnet(true);
    Map<String, double[]> plain = step.kindlingDefaultKernels();
    Map<String, Double> measured = new LinkedHashMap<>();
    double largestGradient = step.largestGradient(ref);
    for (int pattern = 0; pattern < NUDGES; pattern++) {
      Step nudgedStep = step.nudged(pattern);
      Map<String, double[]> nudged = nudgedStep.mxnet(true);
      Map<String, double[]> plainNudged = nudgedStep.kindlingDefaultKernels();
      for (String n : m.keySet()) {
        double floor = n.startsWith("gradient") ? GRADIENT_FLOOR * largestGradient : 0;
        measured.merge(n, Math.max(relativeError(nudged.get(n), ref.get(n), floor),
            relativeError(plainNudged.get(n), plain.get(n), floor)), Math::max);
      }
    }
    assertThat(k.keySet()).containsExactlyElementsOf(m.keySet());

    Stats stats = new Stats();
    List<String> failures = new ArrayList<>();
    List<String> missed = new ArrayList<>();
    for (String n : m.keySet()) {
      double floor = n.startsWith("gradient") ? GRADIENT_FLOOR * largestGradient : 0;
      Judge judge = new Judge(n, m.get(n), ref.get(n), measured.get(n), floor);
      String failure = judge.verdict(k.get(n), stats);
      if (failure != null) {
        failures.add(run + " " + failure);
      }
      // the same judgement must reject a kernel error, here one element off by INJECTED_ERROR
      if (judge.verdict(judge.injectError(k.get(n)), new Stats()) == null) {
        missed.add(n);
      }
    }
    System.out.printf("ZooTrainingMatchesMxnetIT %-20s %-16s MKLDNN %s: probs %.2e gradients "
        + "%.2e (%s, %d arrays) moving stats %.2e (%d arrays); %d arrays over %.0e judged by "
        + "float64 (Kindling at most %.2f times as far from it as MXNet float32); from float64: "
        + "Kindling %.2e, MXNet float32 %.2e; conditioning (float64's change for a 6th-digit "
        + "change of the inputs) up to %.2e (%s), %d arrays judged by it; %d arrays zero but for "
        + "rounding%n", run.label(),
        Shape.of(run.data()), System.getenv().getOrDefault("MXNET_MKLDNN_ENABLED", "on"),
        relativeError(k.get("probabilities"), m.get("probabilities"), 0), stats.worstGrad,
        stats.worstGradName, step.params().size(), stats.worstAux, step.auxValues().size(),
        stats.judged, TOLERANCE, stats.worstRatio, stats.worstK, stats.worstM,
        stats.worstConditioning, stats.worstConditioningName, stats.byConditioning,
        stats.pureRounding);
    assertThat(failures).as("arrays out of bounds").isEmpty();
    assertThat(missed).as("arrays where an error of %s of the largest magnitude in one element "
        + "would pass", INJECTED_ERROR).isEmpty();
  }

  /** The largest differences of one step, for the printed line. */
  static final class Stats {
    double worstGrad;
    String worstGradName = "";
    double worstAux;
    int judged;
    double worstRatio;
    double worstK;
    double worstM;
    double worstConditioning;
    String worstConditioningName = "";
    int byConditioning;
    int pureRounding;
  }

  /**
   * The bounds of one array, from MXNet's float32 and float64 results and the float64 result of
   * the nudged inputs.
   *
   * @param floor the least magnitude differences are taken relative to
   */
  record Judge(String name, double[] mxnet, double[] reference, double measured,
      double floor) {
    /** How far rounding alone may move this array: {@value #CONDITIONING_FACTOR} x measured. */
    double conditioning() {
      return CONDITIONING_FACTOR * measured;
    }

    /**
     * True if this is a gradient that is zero in exact arithmetic (a bias before a BatchNorm):
     * float64 gives it within its own rounding of zero. A float32 result of it is then nothing
     * but the rounding of a sum whose terms cancel, which depends on the order of the sum (MXNet's
     * two builds differ by a factor of 2.5 there), so comparing Kindling's rounding with MXNet's
     * says nothing; {@link #REFERENCE_TOLERANCE} still bounds it.
     */
    boolean pureRounding() {
      return floor > 0 && ZooMatchesMxnetIT.maxAbs(reference) <= 1e-9 * floor;
    }

    /** Null if {@code kindling} is within the bounds, else why not. */
    String verdict(double[] kindling, Stats stats) {
      double e = relativeError(kindling, mxnet, floor);
      double eK = relativeError(kindling, reference, floor);
      double eM = relativeError(mxnet, reference, floor);
      double c = conditioning();
      stats.worstK = Math.max(stats.worstK, eK);
      stats.worstM = Math.max(stats.worstM, eM);
      if (c / CONDITIONING_FACTOR > stats.worstConditioning) {
        stats.worstConditioning = c / CONDITIONING_FACTOR;
        stats.worstConditioningName = name;
      }
      if (name.startsWith("gradient") && e > stats.worstGrad) {
        stats.worstGrad = e;
        stats.worstGradName = name.substring("gradient of ".length());
      } else if (name.startsWith("updated")) {
        stats.worstAux = Math.max(stats.worstAux, e);
      }
      if (eK > REFERENCE_TOLERANCE || e > TOLERANCE && eK > ROUNDING_FACTOR * eM) {
        stats.byConditioning++;
      }
      if (eK > Math.max(REFERENCE_TOLERANCE, c)) {
        return String.format("%s is %.3g from MXNet's float64 result; a 6th-digit change of the "
            + "inputs moves that by %.3g", name, eK, c / CONDITIONING_FACTOR);
      }
      if (e > TOLERANCE && pureRounding()) {
        stats.pureRounding++;
      } else if (e > TOLERANCE) {
        // ill-conditioned, or past a relu kink: MXNet's float32 rounding is the larger error
        stats.judged++;
        stats.worstRatio = Math.max(stats.worstRatio, eK / eM);
        if (eK > Math.max(ROUNDING_FACTOR * eM, c)) {
          return String.format("%s differs from MXNet's float32 result by %.3g and is %.3g from "
              + "its float64 result, which MXNet's float32 result is %.3g from and a 6th-digit "
              + "change of the inputs moves by %.3g", name, e, eK, eM, c / CONDITIONING_FACTOR);
        }
      }
      return null;
    }

    /**
     * {@code kindling} with its element furthest from float64 moved {@value #INJECTED_ERROR}
     * (relative to the array's scale) further away: a kernel error, if small for one.
     */
    double[] injectError(double[] kindling) {
      double[] wrong = kindling.clone();
      int worst = 0;
      for (int i = 0; i < wrong.length; i++) {
        if (Math.abs(wrong[i] - reference[i]) > Math.abs(wrong[worst] - reference[worst])) {
          worst = i;
        }
      }
      double scale = Math.max(ZooMatchesMxnetIT.maxAbs(reference), floor);
      wrong[worst] += Math.copySign(INJECTED_ERROR * scale, wrong[worst] - reference[worst]);
      return wrong;
    }
  }

  /**
   * One training step's inputs: every argument's and auxiliary state's values (drawn by {@link
   * ZooMatchesMxnetIT#initial}) and the parameters that get a gradient.
   */
  record Step(Run run, Map<String, MxExecutor.Values> argValues,
      Map<String, MxExecutor.Values> auxValues, List<String> params) {
    static Step of(Run run) {
      Symbol net = run.net();
      SplittableRandom rnd = new SplittableRandom(run.label().hashCode() + 1L);
      InferredShapes shapes = net.inferShape(Map.of("data", Shape.of(run.data())));
      Map<String, MxExecutor.Values> args = new LinkedHashMap<>();
      Map<String, MxExecutor.Values> aux = new LinkedHashMap<>();
      shapes.arguments().forEach((n, s) -> args.put(n, new MxExecutor.Values(s.dims(),
          n.equals("softmax_label") ? ZooMatchesMxnetIT.labels(s.get(0), run.classes(), rnd)
              : ZooCases.initial(n, s, rnd))));
      shapes.auxiliaryStates().forEach((n, s) ->
          aux.put(n, new MxExecutor.Values(s.dims(), ZooCases.initial(n, s, rnd))));
      List<String> params = new ArrayList<>();
      for (String n : net.listArguments()) {
        if (!n.equals("data") && !n.equals("softmax_label")) {
          params.add(n);
        }
      }
      return new Step(run, args, aux, params);
    }

    /**
     * This step with every input and parameter (not the labels) changed in about its 6th digit,
     * as ZooAccelTest does: MXNet's float64 result of it, against that of the step, measures how
     * far the problem itself moves under float32 rounding of its inputs.
     */
    Step nudged(int pattern) {
      float sign = pattern % 2 == 0 ? 1 : -1;
      Map<String, MxExecutor.Values> args = new LinkedHashMap<>();
      argValues.forEach((n, v) -> {
        float[] d = v.data().clone();
        if (!n.equals("softmax_label")) {
          for (int i = 0; i < d.length; i++) {
            d[i] *= 1 + sign * 1e-6f * ((i + pattern / 2) % 3 - 1);
          }
        }
        args.put(n, new MxExecutor.Values(v.shape(), d));
      });
      return new Step(run, args, auxValues, params);
    }

    /** {@link #kindling()} on the default kernels ({@code kindling.cpu.accel=off}). */
    Map<String, double[]> kindlingDefaultKernels() {
      CpuAccel.configure(CpuAccel.Mode.OFF, 0);
      try {
        return kindling();
      } finally {
        CpuAccel.reset();
      }
    }

    /**
     * Kindling's step: the probabilities, every parameter's gradient and the updated moving
     * statistics, keyed {@code probabilities}, {@code gradient of <name>}, {@code updated
     * <name>}.
     */
    Map<String, double[]> kindling() {
      Map<String, NDArray> args = new LinkedHashMap<>();
      Map<String, NDArray> grads = new LinkedHashMap<>();
      Map<String, GradReq> reqs = new LinkedHashMap<>();
      Map<String, NDArray> aux = new LinkedHashMap<>();
      argValues.forEach((n, v) -> args.put(n, NDArray.of(v.data(), Shape.of(v.shape()))));
      auxValues.forEach((n, v) -> aux.put(n, NDArray.of(v.data(), Shape.of(v.shape()))));
      for (String n : params) {
        grads.put(n, NDArray.zeros(args.get(n).shape()));
        reqs.put(n, GradReq.WRITE);
      }
      Map<String, double[]> out = new LinkedHashMap<>();
      try (Executor exec = run.net().bind(args, grads, reqs, aux)) {
        exec.forward(true);
        exec.backward();
        out.put("probabilities", widen(exec.outputs().get(0).toFloatArray()));
        grads.forEach((n, g) -> out.put("gradient of " + n, widen(g.toFloatArray())));
        aux.forEach((n, a) -> out.put("updated " + n, widen(a.toFloatArray())));
      } finally {
        args.values().forEach(NDArray::close);
        grads.values().forEach(NDArray::close);
        aux.values().forEach(NDArray::close);
      }
      return out;
    }

    /** MXNet's step in float32 or float64, keyed as {@link #kindling()}. */
    Map<String, double[]> mxnet(boolean float64) {
      Map<String, double[]> m = new LinkedHashMap<>();
      try (MxExecutor exec = new MxExecutor(run.net().toJson(), argValues, params, auxValues,
          float64)) {
        exec.forward(true);
        exec.backward();
        List<MxExecutor.Result> outs = exec.outputs();
        assertThat(outs).hasSize(1);
        assertThat(outs.get(0).shape()).containsExactly(run.data()[0], run.classes());
        m.put("probabilities", outs.get(0).data());
        Map<String, MxExecutor.Result> grads = exec.gradients();
        assertThat(grads.keySet()).containsExactlyElementsOf(params);
        grads.forEach((n, v) -> m.put("gradient of " + n, v.data()));
        exec.auxiliaryStates().forEach((n, v) -> m.put("updated " + n, v.data()));
      }
      return m;
    }

    /** The largest magnitude among the gradients of a step's result. */
    double largestGradient(Map<String, double[]> result) {
      double largest = 0;
      for (Map.Entry<String, double[]> e : result.entrySet()) {
        if (e.getKey().startsWith("gradient")) {
          largest = Math.max(largest, maxAbs(e.getValue()));
        }
      }
      return largest;
    }
  }
}
