package org.kindling.symbol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.symbol.zoo.Layers;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.nn.Pooling.PoolType;
import org.kindling.tensor.op.shape.Concat;

/**
 * Values kept in oneDNN's blocked layouts between oneDNN kernels, and residual sums inside
 * convolutions ({@link PlanOptions#blocked}): which values stay blocked (a chain of oneDNN
 * layers) and which are row-major (read by a default kernel, a head, or a oneDNN kernel and a
 * default kernel together), the sum post-op with the addend in place and copied, a monitor, and
 * the switch; every result equals the row-major binding's within float32 rounding and the
 * default kernels' within 1e-4. Convolutions here are 1x1 or 5x5, which the Winograd backend
 * (3x3 only) never takes: under {@code auto} every layer but sum pooling runs on oneDNN.
 */
class BlockedLayoutTest {
  private static final Shape DATA = Shape.of(2, 16, 10, 10);
  private final Layers nn = new Layers();

  @AfterEach
  void reset() {
    CpuAccel.reset();
    System.clearProperty("kindling.exec.blocked");
    System.clearProperty("kindling.winograd.blocked");
    System.clearProperty("kindling.dnnl.maxWorkspace");
  }

  private Symbol conv(String name, Symbol in, int filters, int kernel) {
    return nn.conv(in).name(name).kernel(kernel, kernel).pad(kernel / 2, kernel / 2)
        .numFilter(filters).build();
  }

  private Symbol sumPool(String name, Symbol in) {
    // sum pooling has no oneDNN kernel: the default kernel reads its input
    return nn.pool(in).name(name).type(PoolType.SUM).kernel(2, 2).stride(2, 2).build();
  }

  @Test
  void aChainOfOneDnnLayersStaysBlockedAndEndsRowMajorAtTheHead() {
    Symbol a = nn.relu("a_relu", conv("a", nn.variable("data"), 32, 1));
    Symbol b = conv("b", a, 32, 5);
    Symbol p = nn.pool(b).name("p").type(PoolType.MAX).kernel(2, 2).stride(2, 2).build();
    Symbol c = conv("c", p, 16, 1);
    Runs r = runs(c);
    assertThat(r.layouts).containsKeys("a_relu_output", "b_output", "p_output")
        .doesNotContainKey("c_output");
    r.assertSameResults();
  }

  /**
   * A convolution whose workspace passes {@code kindling.dnnl.maxWorkspace} runs in sub-batches
   * (VGG-16's conv1_2 at batch 64); its data and output stay in the chain's blocked layouts, the
   * sub-batches being slices of them (decision 0063). The bound is lowered step by step until
   * the 5x5 convolution is split (one sample fits, the batch of 2 does not).
   */
  /**
   * With {@code kindling.winograd.blocked=true} (decision 0071; the default since 0080, set here
   * so that the test does not hang on it) a Winograd 3x3 layer (forced)
   * with a fused relu reads the oneDNN layer's output in its layout and writes its own in the
   * layout the max pooling reads: the chain stays blocked through it, with the same results.
   */
  @Test
  void aWinogradLayerWithBlockedLayoutsStaysInTheChain() {
    System.setProperty("kindling.winograd.blocked", "true");
    Symbol a = nn.relu("a_relu", conv("a", nn.variable("data"), 32, 1));
    Symbol b = nn.relu("b_relu", conv("b", a, 32, 3));
    Symbol p = nn.pool(b).name("p").type(PoolType.MAX).kernel(2, 2).stride(2, 2).build();
    Symbol c = conv("c", p, 16, 1);
    Runs r = new Runs(c, CpuAccel.Mode.FORCE);
    String impl = r.blocked.kernels().stream().filter(k -> k.node().equals("b"))
        .findFirst().orElseThrow().implementation();
    assertThat(impl).as("the 3x3 layer's kernel").startsWith("Winograd");
    // its data (a oneDNN output) and its output (read by oneDNN's pooling) stay blocked
    assertThat(r.layouts).containsKeys("a_relu_output", "b_relu_output", "p_output")
        .doesNotContainKey("c_output");
    r.assertSameResults();
  }

  @Test
  void aConvolutionRunInSubBatchesStaysInTheBlockedChain() {
    Symbol a = nn.relu("a_relu", conv("a", nn.variable("data"), 32, 1));
    Symbol b = nn.relu("b_relu", conv("b", a, 32, 5));
    Symbol p = nn.pool(b).name("p").type(PoolType.MAX).kernel(2, 2).stride(2, 2).build();
    Symbol c = conv("c", p, 16, 1);
    Runs r = runsWithSubBatches(c, "b");
    try {
      assertThat(r.layouts).containsKeys("a_relu_output", "b_relu_output", "p_output");
    } catch (AssertionError e) {
      r.close();
      throw e;
    }
    r.assertSameResults();
  }

  /**
   * {@code head} bound under workspace bounds ({@code kindling.dnnl.maxWorkspace}, cleared
   * after each test) lowered step by step until {@code node}'s oneDNN kernel runs in
   * sub-batches.
   */
  private Runs runsWithSubBatches(Symbol head, String node) {
    for (long bound = 8 << 20; bound > 1024; bound = bound * 4 / 5) {
      System.setProperty("kindling.dnnl.maxWorkspace", Long.toString(bound));
      Runs r = runs(head);
      String impl = r.blocked.kernels().stream().filter(k -> k.node().equals(node))
          .findFirst().orElseThrow().implementation();
      if (impl.contains("sub-batches")) {
        return r;
      }
      r.close();
      assertThat(impl).as(node + " at a bound of " + bound).startsWith("oneDNN");
    }
    throw new AssertionError(node + " was never run in sub-batches");
  }

  /**
   * The blocked binding's one workspace holds only what its calls use (decision 0069): the
   * oneDNN convolution and the pooling inside the chain read and write blocked views and reserve
   * no reorder slot (5x5, which the Winograd backend leaves to oneDNN: a 3x3 one could take
   * Winograd whenever the bind-time measurement favours it, and its transforms' scratch is
   * workspace that is not a reorder slot), so the workspace is below the convolution's output, which the row-major
   * binding reserves a slot for (with its data's); the results stay the row-major binding's.
   */
  @Test
  void theBlockedChainsWorkspaceHoldsNoReorderSlotItsCallsLeaveUnused() {
    Symbol a = conv("a", nn.variable("data"), 16, 1);
    Symbol b = nn.relu("b_relu", conv("b", a, 64, 5));
    Symbol p = nn.pool(b).name("p").type(PoolType.MAX).kernel(2, 2).stride(2, 2).build();
    Symbol c = conv("c", p, 8, 1);
    Runs r = runs(c);
    long bOutput = 2L * 64 * 10 * 10 * 4;
    try {
      assertThat(r.layouts).containsKeys("a_output", "b_relu_output", "p_output");
      assertThat(r.rowMajor.workspaceBytes()).as("row-major: b's data and output slots")
          .isGreaterThanOrEqualTo(bOutput);
      assertThat(r.blocked.workspaceBytes()).as("blocked, largest for "
          + r.blocked.workspaceNode()).isLessThan(bOutput / 2);
    } catch (AssertionError e) {
      r.close();
      throw e;
    }
    r.assertSameResults();
  }

  /**
   * AlexNet's stage: conv-relu, LRN, max pooling, conv, with channels in whole 16-channel blocks
   * (32) and not (24); the LRN's window is clipped at the channel axis's ends in whatever layout
   * the convolution picked.
   */
  @Test
  void anLrnBetweenAConvolutionAndItsPoolingStaysBlocked() {
    for (int filters : new int[] {32, 24}) {
      Symbol a = nn.relu("a_relu", conv("a", nn.variable("data"), filters, 5));
      // constants large enough that every output depends on its neighbours' squares
      Symbol n = nn.lrn(a, 1f, 0.75f, 2f, 5);
      Symbol p = nn.pool(n).name("p").type(PoolType.MAX).kernel(2, 2).stride(2, 2).build();
      Runs r = runs(conv("c", p, 16, 1));
      assertThat(r.layouts).as(filters + " filters").containsKeys("a_relu_output", "p_output")
          .containsKey(n.listOutputs().get(0));
      r.assertSameResults();
    }
  }

  @Test
  void aValueADefaultKernelReadsIsRowMajor() {
    Symbol a = conv("a", nn.variable("data"), 32, 1);
    Symbol b = conv("b", a, 32, 1);
    Runs r = runs(sumPool("s", b));
    assertThat(r.layouts).containsKey("a_output").doesNotContainKey("b_output");
    r.assertSameResults();
  }

  @Test
  void aHeadIsRowMajor() {
    Symbol a = conv("a", nn.variable("data"), 32, 1);
    Symbol b = conv("b", a, 32, 1);
    Runs r = runs(Symbol.group(a, conv("c", b, 16, 1)));
    assertThat(r.layouts).containsKey("b_output").doesNotContainKey("a_output");
    r.assertSameResults();
  }

  @Test
  void aValueReadByOneDnnAndByADefaultKernelIsRowMajor() {
    Symbol a = conv("a", nn.variable("data"), 32, 1);
    Symbol b = conv("b", a, 32, 1);
    Runs r = runs(Symbol.group(conv("c", b, 16, 1), sumPool("s", a)));
    assertThat(r.layouts).containsKey("b_output").doesNotContainKey("a_output");
    r.assertSameResults();
  }

  /** conv-BN-relu, conv-BN, + the block's input, relu: ResNet v1's unit. */
  private Symbol residual(Symbol x) {
    Symbol y = nn.relu("r1", nn.bn(conv("c1", x, 32, 5)).name("bn1").fixGamma(false).build());
    Symbol z = nn.bn(conv("c2", y, 32, 1)).name("bn2").fixGamma(false).build();
    return nn.relu("r2", nn.add(z, x));
  }

  @Test
  void theResidualAddRunsInsideTheConvolutionAddingInPlace() {
    Symbol x = nn.relu("r0", conv("c0", nn.variable("data"), 32, 1));
    Runs r = runs(conv("head", residual(x), 16, 1));
    assertThat(r.blocked.kernels()).anySatisfy(k -> {
      assertThat(k.op()).isEqualTo("elemwise_add");
      assertThat(k.implementation()).startsWith("oneDNN");
    });
    assertThat(r.rowMajor.kernels()).anySatisfy(k -> {
      assertThat(k.op()).isEqualTo("elemwise_add");
      assertThat(k.implementation()).isEqualTo("default");
    });
    assertThat(r.layouts).containsKeys("r0_output", "r2_output");
    r.assertSameResults();
  }

  /**
   * The residual add stays inside a convolution that runs in sub-batches (its workspace above
   * the bound), each sub-batch adding its own samples: ResNet-50's 1x1 convolutions at batch 256
   * run so, and cut the chain at every add before.
   */
  @Test
  void theResidualAddRunsInsideAConvolutionSplitIntoSubBatches() {
    Symbol x = nn.relu("r0", conv("c0", nn.variable("data"), 32, 1));
    Runs r = runsWithSubBatches(conv("head", residual(x), 16, 1), "c2");
    try {
      assertThat(r.blocked.kernels()).anySatisfy(k -> {
        assertThat(k.op()).isEqualTo("elemwise_add");
        assertThat(k.implementation()).startsWith("oneDNN").contains("sub-batches");
      });
      // the sum's output stays in the chain (the addend may not: c1, larger, may have left
      // oneDNN at this bound)
      assertThat(r.layouts).containsKey("r2_output");
    } catch (AssertionError e) {
      r.close();
      throw e;
    }
    r.assertSameResults();
  }

  @Test
  void theResidualAddCopiesAnAddendThatIsReadLaterAndRowMajor() {
    Symbol x = nn.relu("r0", conv("c0", nn.variable("data"), 32, 1));
    // x is read after the sum by a default kernel: row-major, and not overwritten by it
    Runs r = runs(Symbol.group(conv("head", residual(x), 16, 1), sumPool("s", x)));
    assertThat(r.blocked.kernels()).anySatisfy(k -> {
      assertThat(k.op()).isEqualTo("elemwise_add");
      assertThat(k.implementation()).startsWith("oneDNN");
    });
    assertThat(r.layouts).doesNotContainKey("r0_output").containsKey("r2_output");
    r.assertSameResults();
  }

  /**
   * A pre-activation unit (ResNet v2): BatchNorm and relu on a value a convolution and the
   * residual add also read, so the BatchNorm is not folded; the relu runs inside the
   * BatchNorm's call (decision 0059), so the BatchNorm's output is no value of its own.
   */
  private Symbol preActivation(Symbol x, boolean fixGamma) {
    Symbol a = nn.relu("u_relu1", nn.bn(x).name("u_bn1").fixGamma(fixGamma).build());
    Symbol c = conv("u_conv2", nn.relu("u_relu2",
        nn.bn(conv("u_conv1", a, 32, 5)).name("u_bn2").fixGamma(false).build()), 32, 1);
    return nn.add(c, x);
  }

  @Test
  void aReluAfterABatchNormRunsInsideItsCallOnBlockedData() {
    for (boolean fixGamma : new boolean[] {true, false}) {
      Symbol x = conv("c0", nn.variable("data"), 32, 1);
      Runs r = runs(conv("head", preActivation(x, fixGamma), 16, 1));
      assertThat(r.layouts).as("fix_gamma " + fixGamma).containsKey("u_relu1_output")
          .doesNotContainKey("u_bn1_output");
      assertThat(r.rowMajor.valueLayouts()).isEmpty();
      r.assertSameResults();
    }
  }

  /**
   * The fused relu keeps NaN as the standalone relu does: NaN or Inf in the BatchNorm's data
   * (one pixel of the input spreads over every channel through the 1x1 convolution) runs the
   * two passes, so the blocked binding gives NaN exactly where the row-major one does, and the
   * same numbers elsewhere; the relu's output is the head here (a blocked input, a row-major
   * output).
   */
  @Test
  void theFusedReluKeepsNaNWhereTheRowMajorBindingDoes() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      Symbol x = conv("c0", nn.variable("data"), 32, 1);
      Symbol net = Symbol.group(
          nn.relu("h_relu", nn.bn(x).name("h_bn").fixGamma(false).build()), conv("c1", x, 16, 1));
      CpuAccel.configure(CpuAccel.Mode.AUTO, 0);
      Map<String, NDArray> args = arguments(net);
      float[] data = args.get("data").toFloatArray();
      data[37] = bad;
      data[DATA.intSize() - 5] = bad;
      args.put("data", NDArray.of(data, DATA));
      try (Executor blocked = bind(net, args, PlanOptions.DEFAULT);
          Executor rowMajor = bind(net, args, PlanOptions.DEFAULT.withBlocked(false))) {
        assertThat(blocked.valueLayouts()).containsKey("c0_output");
        blocked.forward(false);
        rowMajor.forward(false);
        float[] got = blocked.outputs().get(0).toFloatArray();
        float[] want = rowMajor.outputs().get(0).toFloatArray();
        int nans = 0;
        for (int i = 0; i < want.length; i++) {
          if (Float.isNaN(want[i])) {
            nans++;
            assertThat(got[i]).as(bad + ": element " + i).isNaN();
          } else {
            assertThat(got[i]).as(bad + ": element " + i).isCloseTo(want[i],
                org.assertj.core.data.Offset.offset(1e-5f * Math.max(1f, Math.abs(want[i]))));
          }
        }
        if (Float.isNaN(bad)) {
          assertThat(nans).as("NaN reaches the relu's output").isGreaterThan(0);
        }
      } finally {
        args.values().forEach(NDArray::close);
      }
    }
  }

  @Test
  void aMonitorSeesTheRowMajorValues() {
    Symbol a = conv("a", nn.variable("data"), 32, 1);
    Symbol b = conv("b", a, 32, 5);
    Symbol c = conv("c", b, 16, 1);
    CpuAccel.configure(CpuAccel.Mode.AUTO, 0);
    Map<String, NDArray> args = arguments(c);
    try (Executor blocked = bind(c, args, PlanOptions.DEFAULT);
        Executor rowMajor = bind(c, args, PlanOptions.DEFAULT.withBlocked(false))) {
      assertThat(blocked.valueLayouts()).containsKey("b_output");
      Map<String, float[]> seen = new LinkedHashMap<>();
      blocked.setMonitor((name, value) -> seen.put(name, value.toFloatArray()));
      blocked.forward(false);
      Map<String, float[]> expected = new LinkedHashMap<>();
      rowMajor.setMonitor((name, value) -> expected.put(name, value.toFloatArray()));
      rowMajor.forward(false);
      assertThat(seen.keySet()).containsExactlyElementsOf(expected.keySet());
      assertThat(seen.get("b_output")).containsExactly(expected.get("b_output"));
      assertThat(blocked.outputs().get(0).toFloatArray())
          .containsExactly(rowMajor.outputs().get(0).toFloatArray());
    } finally {
      args.values().forEach(NDArray::close);
    }
  }

  @Test
  void theSwitchTurnsLayoutsAndSumsOff() {
    System.setProperty("kindling.exec.blocked", "false");
    assertThat(PlanOptions.fromSystemProperties().blocked()).isFalse();
    System.setProperty("kindling.exec.blocked", "true");
    assertThat(PlanOptions.fromSystemProperties().blocked()).isTrue();
    System.setProperty("kindling.exec.blocked", "maybe");
    assertThatThrownBy(PlanOptions::fromSystemProperties)
        .hasMessageContaining("-Dkindling.exec.blocked=maybe");
    System.clearProperty("kindling.exec.blocked");
    Symbol x = nn.relu("r0", conv("c0", nn.variable("data"), 32, 1));
    Runs r = runs(conv("head", residual(x), 16, 1));
    assertThat(r.rowMajor.valueLayouts()).isEmpty();
    assertThat(r.blocked.valueLayouts()).isNotEmpty();
    r.close();
  }

  /** An inception block: 1x1, 5x5 and max-pool-then-1x1 branches joined by {@code Concat}. */
  private Symbol inception(Symbol x, int filters) {
    Symbol pool = nn.pool(x).name("bp").type(PoolType.MAX).kernel(3, 3).stride(1, 1).pad(1, 1)
        .build();
    return nn.concat("join", nn.relu("b1_relu", conv("b1", x, filters, 1)),
        nn.relu("b2_relu", conv("b2", x, 2 * filters, 5)), conv("b3", pool, filters, 1));
  }

  private static String implementation(Executor e, String op) {
    return e.kernels().stream().filter(k -> k.op().equals(op)).findFirst().orElseThrow()
        .implementation();
  }

  @Test
  void aConcatOfOneDnnBranchesJoinsThemInTheirBlockedLayout() {
    Symbol x = conv("x", nn.variable("data"), 32, 1);
    Runs r = runs(conv("head", inception(x, 16), 16, 1));
    assertThat(implementation(r.blocked, "Concat")).startsWith("oneDNN");
    assertThat(implementation(r.defaults, "Concat")).isEqualTo("default");
    assertThat(r.layouts).containsKeys("x_output", "b1_relu_output", "b2_relu_output",
        "bp_output", "b3_output", "join_output");
    r.assertSameResults();
  }

  @Test
  void aConcatOfChannelsThatAreNotWholeBlocksGivesTheSameResults() {
    Symbol x = conv("x", nn.variable("data"), 32, 1);
    // 5 and 10 channels: no whole blocks of 8 or 16, oneDNN's concat reorders what it must
    Runs r = runs(conv("head", inception(x, 5), 16, 1));
    assertThat(implementation(r.blocked, "Concat")).startsWith("oneDNN");
    r.assertSameResults();
  }

  @Test
  void aConcatAlongAnotherAxisIsTheDefaultKernelOverRowMajorInputs() {
    Symbol x = conv("x", nn.variable("data"), 32, 1);
    Symbol join = Symbol.create(Concat.OP, "join", new Concat.Params(2, 2),
        Map.of("arg0", conv("b1", x, 16, 1), "arg1", conv("b2", x, 16, 1)));
    Runs r = runs(conv("head", join, 16, 1));
    assertThat(implementation(r.blocked, "Concat")).isEqualTo("default");
    assertThat(r.layouts).containsKey("x_output")
        .doesNotContainKeys("b1_output", "b2_output", "join_output");
    r.assertSameResults();
  }

  @Test
  void aConcatInputADefaultKernelAlsoReadsIsRowMajorAndTheOtherStaysBlocked() {
    Symbol x = conv("x", nn.variable("data"), 32, 1);
    Symbol b1 = conv("b1", x, 16, 1);
    Symbol b2 = conv("b2", x, 16, 1);
    Runs r = runs(Symbol.group(conv("head", nn.concat("join", b1, b2), 16, 1), sumPool("s", b1)));
    // the join reads b1 row-major and b2 blocked (and writes the layout oneDNN picks for that)
    assertThat(r.layouts).containsKey("b2_output").doesNotContainKey("b1_output");
    assertThat(implementation(r.blocked, "Concat")).startsWith("oneDNN");
    r.assertSameResults();
  }

  @Test
  void aConcatThatIsAHeadWritesRowMajor() {
    Symbol x = conv("x", nn.variable("data"), 32, 1);
    Runs r = runs(nn.concat("join", conv("b1", x, 16, 1), conv("b2", x, 32, 1)));
    assertThat(r.layouts).containsKeys("b1_output", "b2_output")
        .doesNotContainKey("join_output");
    r.assertSameResults();
  }

  /** One network bound three ways over the same arrays, each run forward once. */
  private final class Runs implements AutoCloseable {
    final Executor blocked;
    final Executor rowMajor;
    final Executor defaults;
    final Map<String, Layout> layouts;
    final Map<String, NDArray> args;

    Runs(Symbol net) {
      this(net, CpuAccel.Mode.AUTO);
    }

    Runs(Symbol net, CpuAccel.Mode mode) {
      CpuAccel.configure(mode, 0);
      args = arguments(net);
      blocked = bind(net, args, PlanOptions.DEFAULT);
      rowMajor = bind(net, args, PlanOptions.DEFAULT.withBlocked(false));
      CpuAccel.configure(CpuAccel.Mode.OFF, 0);
      defaults = bind(net, args, PlanOptions.DEFAULT);
      layouts = blocked.valueLayouts();
      for (Executor e : List.of(blocked, rowMajor, defaults)) {
        e.forward(false);
      }
    }

    /** Every output: as the row-major binding's within 1e-5, the default kernels' within 1e-4. */
    void assertSameResults() {
      try {
        for (int h = 0; h < blocked.outputs().size(); h++) {
          float[] got = blocked.outputs().get(h).toFloatArray();
          near(got, rowMajor.outputs().get(h).toFloatArray(), 1e-5, "output " + h);
          near(got, defaults.outputs().get(h).toFloatArray(), 1e-4, "output " + h);
        }
      } finally {
        close();
      }
    }

    @Override
    public void close() {
      for (Executor e : List.of(blocked, rowMajor, defaults)) {
        e.close();
      }
      args.values().forEach(NDArray::close);
    }
  }

  private Runs runs(Symbol net) {
    return new Runs(net);
  }

  private static void near(float[] got, float[] want, double tol, String what) {
    double largest = 0;
    for (float v : want) {
      largest = Math.max(largest, Math.abs(v));
    }
    assertThat(largest).as(what + " is not all zero").isGreaterThan(0);
    for (int i = 0; i < want.length; i++) {
      assertThat((double) Math.abs(got[i] - want[i])).as(what + " element " + i)
          .isLessThanOrEqualTo(tol * largest);
    }
  }

  /** Random data and parameters; BatchNorm statistics as auxiliary states, variances > 0. */
  private static Map<String, NDArray> arguments(Symbol net) {
    SplittableRandom rnd = new SplittableRandom(42);
    InferredShapes shapes = net.inferShape(Map.of("data", DATA));
    Map<String, NDArray> out = new LinkedHashMap<>();
    shapes.arguments().forEach((name, s) -> out.put(name, random(s, rnd, -1, 1)));
    shapes.auxiliaryStates().forEach((name, s) -> out.put(name,
        random(s, rnd, name.endsWith("var") ? 0.5 : -0.5, name.endsWith("var") ? 1.5 : 0.5)));
    return out;
  }

  private static NDArray random(Shape s, SplittableRandom rnd, double lo, double hi) {
    float[] v = new float[s.intSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextDouble(lo, hi);
    }
    return NDArray.of(v, s);
  }

  private static Executor bind(Symbol net, Map<String, NDArray> all, PlanOptions options) {
    Map<String, NDArray> args = new LinkedHashMap<>();
    Map<String, NDArray> aux = new LinkedHashMap<>();
    List<String> auxNames = new ArrayList<>(net.listAuxiliaryStates());
    all.forEach((name, a) -> (auxNames.contains(name) ? aux : args).put(name, a));
    return net.bind(args, Map.of(), Map.of(), aux, options);
  }
}
