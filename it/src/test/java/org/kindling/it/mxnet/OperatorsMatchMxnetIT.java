package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.nn.LeakyReLU;
import org.kindling.testing.OpCase;
import org.kindling.testing.OpRunner;

/**
 * Every sample of every operator registered in Kindling ({@link OpRegistry#all()}, {@link
 * OpDef#samples()}) against the real MXNet 1.9.1, run imperatively through its C API ({@code
 * mx.nd.<op>} and {@code mx.autograd}). Nothing here is specific to an operator: a newly
 * registered operator is covered by being registered. Dynamic tests are named {@code "<op> #<i>
 * <sample>"}; a failure lists every disagreement of the case (output or input, element index,
 * MXNet's and Kindling's values, and the inputs when they are small).
 *
 * <ul>
 *   <li><b>Forward</b>: inputs drawn by {@link OpRunner} (once plain, once with NaN, +-Inf and -0
 *       mixed into inputs whose domain allows them), Kindling's kernel against {@code
 *       MXImperativeInvokeEx} with the attribute strings {@link OpDef#toAttrs} writes (MXNet's
 *       own parser must accept them), in the sample's mode. The visible outputs must agree in
 *       number, shape, type flag and values; mutable inputs (auxiliary states) must be left
 *       equal.
 *   <li><b>Backward</b>: for samples with a gradient check of operators with a gradient, the
 *       differentiable inputs (float types, non-integral domain, not mutable) are marked as
 *       autograd variables ({@code attach_grad}, grad_req write), the operator is recorded and
 *       {@code MXAutogradBackwardEx} runs with random head gradients for the visible outputs; the
 *       input gradients must equal {@link OpRunner#backward}'s (same head gradients; loss heads
 *       ignore them in both) and the mutable inputs must be updated alike (MXNet's CPU
 *       BatchNorm updates its moving statistics in the backward pass). For operators whose
 *       gradient is {@link OpDef.Gradient#ZERO}, MXNet's gradients must be zeros. Training
 *       samples are recorded in train mode; other samples in train mode too when Kindling's
 *       outputs do not depend on the mode (see {@link #modeInvariant}), else in predict mode.
 *   <li><b>Names</b>: every canonical name and alias resolves in MXNet ({@code NNGetOpHandle}),
 *       aliases to the same operator as the canonical name.
 *   <li><b>Parameters</b>: the parameters MXNet declares (names, order, required or not,
 *       defaults) are Kindling's, Kindling's input names are among MXNet's, in order, and the
 *       inputs Kindling declares mutable are MXNet's ({@code FMutateInputs}), so that the
 *       forward comparison of updated inputs covers every state an operator writes.
 * </ul>
 *
 * <p><b>Tolerance.</b> Values agree when {@code |kindling - mxnet| <= ATOL + RTOL·|mxnet|},
 * NaN where the other is NaN, infinities equal, and zeros of the same sign. {@link #RTOL} is
 * 1e-5. {@link #ATOL} is 1e-5 because inputs are drawn in [-3, 3) and float32 sums of such terms,
 * summed in a different order by MXNet's oneDNN/MKL kernels than by Kindling's, differ by some
 * 1e-7 to 1e-6 in absolute terms wherever they cancel to near zero (a purely relative tolerance
 * would fail there for no fault of either side): today's operators all agree within 1e-6, and
 * 1e-7 already fails FullyConnected's weight gradient; the margin is for the longer sums of
 * reductions and dot products.
 *
 * <p>Training-mode random operators cannot match values; their samples are chosen to be
 * deterministic (dropout with p = 0, rrelu in inference), so no tolerance is loosened for them.
 * A sample whose outputs do depend on the random seed (a sampler, dropout with p > 0 in
 * training: Kindling's forward pass gives other values with another seed) has its outputs'
 * number, shapes and types checked, and its test is then aborted (reported as skipped) saying
 * the values were not compared.
 *
 * <p><b>Kindling's two CPU paths.</b> With {@code -Dkindling.cpu.accel=force} (or {@code auto})
 * the samples oneDNN runs (docs/accel.md) are compared on Kindling's oneDNN kernels; under
 * {@code force} a sample oneDNN cannot run fails naming its rule. The draw with NaN/Inf/-0 runs
 * the default kernels either way: oneDNN skips a Convolution's zero padding where MXNet's native
 * kernels multiply it by a NaN or Inf weight.
 *
 * <p><b>MXNet's two CPU paths.</b> The shipped library routes float32 convolution, pooling,
 * activation, softmax, FullyConnected, BatchNorm, LRN... through oneDNN (MKLDNN). Running the
 * suite with {@code MXNET_MKLDNN_ENABLED=0} in the environment of {@code mvn} (the forked JVM
 * inherits it) compares Kindling with MXNet's native CPU kernels instead, which tells whether a
 * disagreement is oneDNN's.
 */
class OperatorsMatchMxnetIT {
  static final double RTOL = 1e-5;
  static final double ATOL = 1e-5;
  /** Mismatching elements listed per array in a failure message; the rest are counted. */
  private static final int SHOWN = 4;
  /** Inputs are printed with a failure when they have at most this many elements in all. */
  private static final int INPUTS_SHOWN = 64;

  /**
   * Kindling names MXNet 1.9.1 does not register, with the reason Kindling accepts them. Kept
   * exact: a name listed here that MXNet does resolve fails the test.
   */
  static final Map<String, String> NOT_IN_MXNET = Map.of();

  /**
   * Samples the shipped MXNet 1.9.1 (with oneDNN) cannot run although its shape and type
   * inference accept them, keyed by {@code "<op> <sample>"}, with the reason. When MXNet refuses
   * such a sample the test is aborted (reported as skipped, with MXNet's message); when it runs
   * (e.g. with {@code MXNET_MKLDNN_ENABLED=0}), the sample is compared as any other. Samples MXNet
   * refuses on purpose (a parameter or type check) are disagreements, not entries here.
   */
  static final Map<String, String> MXNET_CANNOT_RUN = Map.of(
      "Deconvolution Params[kernel=(3, 3), stride=(2, 2), dilate=(), pad=(), adj=(), "
          + "target_shape=(6, 6), num_filter=2, num_group=1, no_bias=false] on "
          + "[(2, 2, 3, 3), (2, 2, 3, 3), (2,)]",
      "oneDNN refuses the padding MXNet derives from target_shape (\"could not create a "
          + "descriptor for a dilated deconvolution forward propagation primitive\"); MXNet's "
          + "native kernel runs it and agrees with Kindling",
      "FullyConnected Params[numHidden=3, noBias=false, flatten=true] on "
          + "[(4, 2), (3, 2), (3, 1)]",
      "FullyConnected's shape inference accepts a (num_hidden, 1) bias, but the oneDNN kernel "
          + "refuses it (\"Unexpected shape for bias [3,1]\") and the native backward fails "
          + "on it (\"dimension do not match target dimension 1 vs 2\"); the native forward "
          + "agrees with Kindling",
      "Deconvolution Params[kernel=(2, 2, 2), stride=(2, 1, 1), dilate=(), pad=(), adj=(), "
          + "target_shape=(), num_filter=2, num_group=1, no_bias=true] on "
          + "[(2, 2, 2, 2, 2), (2, 2, 2, 2, 2)]",
      "MXNet's native CPU kernels run only 1-D and 2-D Deconvolution (3-D needs its oneDNN "
          + "build, which runs this sample and agrees with Kindling)",
      "LRN Params[alpha=0.5, beta=0.9, knorm=1.0, nsize=5] on [(2, 3, 2, 3)]",
      "MXNet's native LRN requires nsize <= channels (\"local size must be smaller than "
          + "nchannels\"); its oneDNN build runs this sample and agrees with Kindling",
      "Pooling Params[avg, kernel=(3,), stride=(2,), pad=(), same] on [(2, 2, 7)]",
      "MXNet 1.9.1's Pooling shape function checks pad[0], pad[1] and pad[2] for the 'same' "
          + "convention, which only allows 1-D pooling (a pad of one element): every 'same' "
          + "pooling fails with \"index = 1 must be in range [0, 1)\"");

  /**
   * Parameters the shipped library declares beyond the 1.9.1 tag, by operator: the DJL build was
   * made from the v1.x branch after the tag. Kindling follows the tag.
   */
  static final Map<String, String> SHIPPED_ONLY_PARAMS = Map.of(
      "Pooling", "output_size");

  /**
   * Parameters Kindling declares that MXNet 1.9.1 takes without declaring them, by operator,
   * with the reason. They are written to symbol JSON only when not at their default.
   */
  static final Map<String, String> UNDECLARED_IN_MXNET = Map.of(
      "add_n", "num_args",
      "smooth_l1", "is_int");

  /**
   * Why MXNet's own results cannot be trusted for a sample, or null. For such samples only the
   * first output is compared and gradients are not checked (the test reports the reason).
   */
  static String mxnetBug(OpCase<?> c) {
    if (c.params() instanceof LeakyReLU.Params p && p.actType() == LeakyReLU.ActType.RRELU
        && !c.sample().train()) {
      return "MXNet 1.9.1's rrelu never writes its visible mask output at inference and its "
          + "backward reads that mask (uninitialized memory); Kindling writes the slope "
          + "(lower_bound+upper_bound)/2 there and uses it";
    }
    return null;
  }

  /** Runs in the MXNet oracle executions only ({@link OracleExecution}). */
  @BeforeAll
  static void onlyInTheOracleJvm() {
    OracleExecution.require();
  }

  // ------------------------------------------------------------------------------ cases

  // ------------------------------------------------------------------------------ forward

  @TestFactory
  Stream<DynamicTest> forwardMatchesMxnet() {
    return OpCase.all().map(c -> DynamicTest.dynamicTest(c.name(), () -> forward(c)));
  }

  private static <P extends Record> void forward(OpCase<P> c) {
    OpRunner<P> run = new OpRunner<>(c.op(), c.sample());
    Map<String, String> attrs = c.op().toAttrs(c.params());
    boolean train = c.sample().train();
    Problems problems = new Problems(c.name() + " (attrs " + attrs + ", forward"
        + (train ? ", train" : "") + ")");
    boolean random = seedDependent(run, run.inputs(new Random(c.seed()), false), train, c.seed());
    OpRunner<P> plain = OpRunner.onDefaultKernels(c.op(), c.sample());
    for (boolean specials : new boolean[] {false, true}) {
      String draw = specials ? " [inputs with NaN/Inf/-0]" : "";
      double[][] in = run.inputs(new Random(c.seed() + (specials ? 1 : 0)), specials);
      double[][] kIn = OpRunner.deepCopy(in);
      // NaN/Inf: MXNet's semantics are its native kernels', which the default kernels follow;
      // an accelerated kernel is held to its documented behaviour against them instead
      double[][] kOut = (specials ? plain : run).forward(kIn, train, c.seed());
      if (specials) {
        acceleratedOnSpecials(problems, run, plain, in, train, c.seed());
      }
      int before = problems.count();
      try (MxImperative.Arena mx = new MxImperative.Arena()) {
        Pointer[] mxIn = mxInputs(mx, c.sample(), in);
        Pointer[] mxOut = MxImperative.withModes(false, train,
            () -> mx.invoke(c.op().name(), attrs, mxIn));
        compareOutputs(problems, draw, run, mx, mxOut, kOut, !random, mxnetBug(c) == null);
        for (int i : run.op().mutableInputs()) {
          problems.values("updated input " + i + " '" + run.op().inputNames().get(i) + "'" + draw,
              kIn[i], mx.read(mxIn[i]).values());
        }
      } catch (RuntimeException e) {
        abortIfMxnetCannotRun(c, e);
        problems.failed(e);
      }
      if (problems.count() > before) {
        problems.inputs(run.op().inputNames(), in);
      }
    }
    problems.throwIfAny();
    if (random) {
      Assumptions.abort(RANDOM + " (outputs' number, shapes and types agree)");
    }
  }

  /**
   * An accelerated kernel on NaN/Inf/-0 inputs gives the default kernel's outputs, but where a
   * Convolution's default kernel gives NaN because it multiplies a NaN or Inf weight by the zero
   * padding (im2col, as MXNet's native build), which oneDNN skips (as MXNet's MKL-DNN build):
   * there it may give a number (docs/accel.md, "Accuracy").
   */
  private static void acceleratedOnSpecials(Problems problems, OpRunner<?> accelerated,
      OpRunner<?> plain, double[][] in, boolean train, long seed) {
    if (accelerated.implementation().equals(plain.implementation())) {
      return; // the same kernel: compared with MXNet above
    }
    double[][] a = accelerated.forward(OpRunner.deepCopy(in), train, seed);
    double[][] d = plain.forward(OpRunner.deepCopy(in), train, seed);
    boolean convolution = accelerated.op().op().name().equals("Convolution");
    for (int k = 0; k < accelerated.op().numVisibleOutputs(); k++) {
      double[] expected = d[k].clone();
      for (int j = 0; j < expected.length; j++) {
        if (convolution && Double.isNaN(expected[j]) && !Double.isNaN(a[k][j])) {
          expected[j] = a[k][j]; // a non-finite weight's tap in the padding
        }
      }
      problems.values("output " + k + " on " + accelerated.implementation()
          + " [inputs with NaN/Inf/-0], against the default kernels", a[k], expected);
    }
  }

  /** Why the values of a random sample are not compared. */
  private static final String RANDOM = "values not compared: Kindling's outputs for this sample "
      + "depend on the random seed, and MXNet's generator is not Kindling's";

  /**
   * True if Kindling's visible outputs on {@code in} change with the random seed (random
   * samplers, dropout in training with p > 0): their values cannot be compared with MXNet's.
   */
  private static boolean seedDependent(OpRunner<?> run, double[][] in, boolean train,
      long seed) {
    double[][] a = run.forward(OpRunner.deepCopy(in), train, seed);
    double[][] b = run.forward(OpRunner.deepCopy(in), train, ~seed * 0x9E3779B97F4A7C15L);
    for (int k = 0; k < run.op().numVisibleOutputs(); k++) {
      if (!Arrays.equals(a[k], b[k])) {
        return true;
      }
    }
    return false;
  }

  private static void compareOutputs(Problems problems, String draw, OpRunner<?> run,
      MxImperative.Arena mx, Pointer[] mxOut, double[][] kOut, boolean compareValues,
      boolean allOutputs) {
    int visible = run.op().numVisibleOutputs();
    if (mxOut.length != visible) {
      problems.add("MXNet has " + mxOut.length + " visible outputs, Kindling " + visible + " "
          + run.op().outputNames());
      return;
    }
    for (int k = 0; k < visible; k++) {
      String what = "output " + k + " '" + run.op().outputNames().get(k) + "'" + draw;
      MxImperative.Values m = mx.read(mxOut[k]);
      Shape ks = run.outShapes()[k];
      DType kt = run.outTypes()[k];
      if (!Arrays.equals(m.shape(), ks.dims())) {
        problems.add(what + ": MXNet shape " + Arrays.toString(m.shape()) + ", Kindling "
            + Arrays.toString(ks.dims()));
        continue;
      }
      if (m.typeFlag() != kt.flag()) {
        problems.add(what + ": MXNet type flag " + m.typeFlag() + ", Kindling " + kt + " (flag "
            + kt.flag() + ")");
      }
      if (compareValues && (allOutputs || k == 0)) {
        problems.values(what, kOut[k], m.values());
      }
    }
  }

  // ------------------------------------------------------------------------------ backward

  @TestFactory
  Stream<DynamicTest> backwardMatchesMxnet() {
    return OpCase.all().filter(OperatorsMatchMxnetIT::hasGradientCheck)
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> backward(c)));
  }

  private static <P extends Record> boolean hasGradientCheck(OpCase<P> c) {
    if (!c.sample().gradientCheck() || c.op().gradient(c.params()) == OpDef.Gradient.NONE) {
      return false;
    }
    return Arrays.stream(requests(c)).anyMatch(r -> r == GradReq.WRITE);
  }

  /** WRITE for differentiable inputs: float types, non-integral domains, not mutable. */
  private static <P extends Record> GradReq[] requests(OpCase<P> c) {
    int n = c.sample().shapes().length;
    Set<Integer> mutable = c.op().mutableInputs(c.params());
    GradReq[] req = new GradReq[n];
    for (int i = 0; i < n; i++) {
      DType t = c.sample().types()[i];
      boolean floating = t == DType.FLOAT32 || t == DType.FLOAT64 || t == DType.FLOAT16
          || t == DType.BFLOAT16;
      boolean differentiable = floating && !c.sample().domains()[i].integral()
          && !mutable.contains(i);
      req[i] = differentiable ? GradReq.WRITE : GradReq.NULL;
    }
    return req;
  }

  private static <P extends Record> void backward(OpCase<P> c) {
    if (mxnetBug(c) != null) {
      Assumptions.abort("gradients not compared: " + mxnetBug(c));
    }
    OpRunner<P> run = new OpRunner<>(c.op(), c.sample());
    Map<String, String> attrs = c.op().toAttrs(c.params());
    boolean zero = c.op().gradient(c.params()) == OpDef.Gradient.ZERO;
    Random r = new Random(c.seed());
    double[][] in = run.inputs(r, false);
    boolean train = c.sample().train() || modeInvariant(run, in, c.seed());
    if (seedDependent(run, in, train, c.seed())) {
      Assumptions.abort("gradients not compared: Kindling's outputs for this sample depend on "
          + "the random seed, and MXNet's generator is not Kindling's");
    }
    Problems problems = new Problems(c.name() + " (attrs " + attrs + ", backward"
        + (train ? ", recorded in train mode" : ", recorded in predict mode") + ")");
    GradReq[] req = requests(c);
    int visible = run.op().numVisibleOutputs();
    double[][] heads = new double[run.outShapes().length][];
    for (int k = 0; k < visible; k++) {
      heads[k] = new double[run.outShapes()[k].intSize()];
      for (int j = 0; j < heads[k].length; j++) {
        heads[k][j] = r.nextDouble() * 2 - 1;
      }
      heads[k] = OpRunner.roundTo(heads[k], run.outTypes()[k]);
    }
    double[][] kUpdated = new double[in.length][];
    double[][] kGrad = zero ? null
        : run.backward(in, heads, req, null, train, c.seed(), kUpdated);
    boolean sparse = sparseGrad(attrs);

    try (MxImperative.Arena mx = new MxImperative.Arena()) {
      Pointer[] mxIn = mxInputs(mx, c.sample(), in);
      List<Pointer> vars = new ArrayList<>();
      List<Pointer> grads = new ArrayList<>();
      Pointer[] mxGrad = new Pointer[in.length];
      for (int i = 0; i < in.length; i++) {
        if (req[i] == GradReq.WRITE) {
          mxGrad[i] = mx.array(c.sample().shapes()[i].dims(), c.sample().types()[i].flag(),
              new double[in[i].length]);
          if (sparse) {
            mxGrad[i] = mx.castStorage(mxGrad[i], "row_sparse");
          }
          vars.add(mxIn[i]);
          grads.add(mxGrad[i]);
        }
      }
      mx.markVariables(vars.toArray(new Pointer[0]), grads.toArray(new Pointer[0]));
      Pointer[] mxOut = MxImperative.withModes(true, train,
          () -> mx.invoke(c.op().name(), attrs, mxIn));
      if (mxOut.length != visible) {
        throw new IllegalStateException("MXNet has " + mxOut.length + " visible outputs, Kindling "
            + visible);
      }
      Pointer[] mxHeads = new Pointer[visible];
      for (int k = 0; k < visible; k++) {
        mxHeads[k] = mx.array(run.outShapes()[k].dims(), run.outTypes()[k].flag(), heads[k]);
      }
      mx.backward(mxOut, mxHeads, train);
      for (int i = 0; i < in.length; i++) {
        if (req[i] != GradReq.WRITE) {
          continue;
        }
        String what = "gradient of input " + i + " '" + run.op().inputNames().get(i) + "'";
        double[] expected = zero ? new double[in[i].length] : kGrad[i];
        Pointer dense = sparse ? mx.castStorage(mxGrad[i], "default") : mxGrad[i];
        // a gradient's zeros carry no sign worth comparing (0·g is -0 for negative g)
        problems.values(what + (zero ? " (zero-gradient operator)" : ""), expected,
            mx.read(dense).values(), false);
      }
      for (int i : run.op().mutableInputs()) {
        problems.values("input " + i + " '" + run.op().inputNames().get(i)
            + "' updated by forward+backward", zero ? in[i] : kUpdated[i],
            mx.read(mxIn[i]).values());
      }
    } catch (RuntimeException e) {
      abortIfMxnetCannotRun(c, e);
      problems.failed(e);
    }
    if (problems.count() > 0) {
      problems.inputs(run.op().inputNames(), in);
    }
    problems.throwIfAny();
  }

  /**
   * True if Kindling's forward pass gives the same outputs in both modes on these inputs (every
   * deterministic operator but BatchNorm-like ones). Such samples are recorded in train mode,
   * as Python's {@code autograd.record()} does by default: MXNet 1.9.1's oneDNN max pooling
   * recorded in predict mode ({@code record(train_mode=False)}) runs the inference primitive,
   * which keeps no workspace, and its backward pass then routes the gradients to wrong
   * elements. Samples whose outputs depend on the mode (dropout, rrelu, BatchNorm) keep their
   * own mode on both sides.
   */
  private static boolean modeInvariant(OpRunner<?> run, double[][] in, long seed) {
    double[][] predict;
    double[][] train;
    try {
      predict = run.forward(OpRunner.deepCopy(in), false, seed);
      train = run.forward(OpRunner.deepCopy(in), true, seed);
    } catch (RuntimeException e) {
      return false; // an operator that runs in one mode only keeps the sample's mode
    }
    for (int k = 0; k < predict.length; k++) {
      if (!Arrays.equals(predict[k], train[k])) {
        return false;
      }
    }
    return true;
  }

  /**
   * True if the attributes ask for sparse gradients ({@code sparse_grad}, e.g. Embedding's):
   * MXNet's backward then insists on {@code row_sparse} gradient arrays, as Python's {@code
   * attach_grad(stype='row_sparse')} gives, and they are read back through {@code
   * cast_storage(stype='default')}. Kindling's gradients are dense, with the same values.
   */
  private static boolean sparseGrad(Map<String, String> attrs) {
    String v = attrs.get("sparse_grad");
    return v != null && (v.equalsIgnoreCase("true") || v.equals("1"));
  }

  // ------------------------------------------------------------------------------ names

  @TestFactory
  Stream<DynamicTest> everyNameAndAliasResolvesInMxnet() {
    return OpRegistry.all().stream().map(op -> DynamicTest.dynamicTest(op.name()
        + (op.aliases().isEmpty() ? "" : " " + op.aliases()), () -> names(op)));
  }

  private static void names(OpDef<?> op) {
    Mxnet mx = Mxnet.get();
    Problems problems = new Problems(op.name());
    Pointer canonical = handle(mx, op.name(), problems);
    for (String alias : op.aliases()) {
      Pointer h = handle(mx, alias, problems);
      if (h != null && canonical != null && !h.equals(canonical)) {
        problems.add("alias '" + alias + "' is a different operator in MXNet than '" + op.name()
            + "'");
      }
    }
    problems.throwIfAny();
  }

  /** The op handle, or null after recording why not. */
  private static Pointer handle(Mxnet mx, String name, Problems problems) {
    var ref = new com.sun.jna.ptr.PointerByReference();
    boolean found = mx.api().NNGetOpHandle(name, ref) == 0 && ref.getValue() != null;
    String error = found ? "" : mx.api().MXGetLastError();
    if (NOT_IN_MXNET.containsKey(name)) {
      if (found) {
        problems.add("'" + name + "' is listed as missing from MXNet ("
            + NOT_IN_MXNET.get(name) + ") but MXNet resolves it: remove it from NOT_IN_MXNET");
      }
      return null;
    }
    if (!found) {
      problems.add("MXNet 1.9.1 has no operator '" + name + "': " + error);
      return null;
    }
    return ref.getValue();
  }

  // ------------------------------------------------------------------------------ parameters

  @TestFactory
  Stream<DynamicTest> parametersAndInputsAreMxnets() {
    return OpRegistry.all().stream()
        .filter(op -> !NOT_IN_MXNET.containsKey(op.name()))
        .map(op -> DynamicTest.dynamicTest(op.name(), () -> parameters(op)));
  }

  /**
   * Kindling declares MXNet's parameters (names, order, required or not, defaults: MXNet's
   * printed default parsed by Kindling's parameter equals Kindling's default) and, for every
   * sample, input names that MXNet declares, in MXNet's order.
   */
  private static <P extends Record> void parameters(OpDef<P> op) {
    MxOpInfo info = MxOpInfo.of(op.name());
    Problems problems = new Problems(op.name() + " (declared parameters and inputs)");
    List<String> mxNames = info.params().stream().map(MxOpInfo.ParamInfo::name)
        .filter(n -> !n.equals(SHIPPED_ONLY_PARAMS.get(op.name()))).toList();
    List<String> kNames = op.params().stream().map(Param::name)
        .filter(n -> !n.equals(UNDECLARED_IN_MXNET.get(op.name()))).toList();
    if (!mxNames.equals(kNames)) {
      problems.add("parameters: MXNet declares " + mxNames + ", Kindling " + kNames);
    }
    for (Param<?> kp : op.params()) {
      info.params().stream().filter(m -> m.name().equals(kp.name())).findFirst()
          .ifPresent(mp -> compareParam(problems, kp, mp));
    }
    if (!info.variadicInputs()) {
      for (Sample<P> s : op.samples()) {
        List<String> in = op.inputNames(s.params());
        if (!isSubsequence(in, info.inputs())) {
          problems.add("inputs " + in + " for " + s.params() + " are not among MXNet's inputs "
              + info.inputs() + " in that order");
        }
      }
      compareMutableInputs(problems, op, op.samples().get(0).params());
    }
    problems.throwIfAny();
  }

  /**
   * The inputs Kindling declares mutable are MXNet's {@code FMutateInputs}, which a composed
   * symbol lists as its auxiliary states (here, variables named as the inputs): the forward
   * suite compares only the declared ones, so an undeclared state would go unchecked.
   */
  private static <P extends Record> void compareMutableInputs(Problems problems, OpDef<P> op,
      P p) {
    List<String> names = op.inputNames(p);
    List<String> kindling = op.mutableInputs(p).stream().sorted().map(names::get).toList();
    // MXNet creates no variables for the inputs of operators without FListInputNames (the
    // optimizer updates): every input is given, in order, named as the input
    List<MxSymbol> inputs = new ArrayList<>();
    try {
      for (String n : names) {
        inputs.add(MxSymbol.variable(n));
      }
      try (MxSymbol node = MxSymbol.op(op.name(), "node", op.toAttrs(p), inputs)) {
        List<String> mxnet = node.listAuxiliaryStates();
        if (!mxnet.equals(kindling)) {
          problems.add("mutable inputs (MXNet's FMutateInputs, listed as auxiliary states) for "
              + p + ": MXNet " + mxnet + ", Kindling " + kindling);
        }
      }
    } finally {
      inputs.forEach(MxSymbol::close);
    }
  }

  private static <T> void compareParam(Problems problems, Param<T> kp, MxOpInfo.ParamInfo mp) {
    String what = "parameter " + kp.name() + " (MXNet: " + mp.type() + "; Kindling: " + kp + ")";
    if (mp.required() != kp.isRequired()) {
      problems.add(what + ": required in " + (mp.required() ? "MXNet" : "Kindling") + " only");
      return;
    }
    String mxDefault = mp.defaultValue();
    if (kp.isRequired() || mxDefault == null) {
      return;
    }
    if ("None".equals(mxDefault) && kp.defaultValue() instanceof int[] t && t.length == 0) {
      return; // an empty TShape prints as None: the same empty shape as Kindling's ()
    }
    String kDefault = kp.format(kp.defaultValue());
    if (kDefault.equals(mxDefault) || kDefault.equals(mxDefault.replace('[', '(')
        .replace(']', ')'))) {
      return; // the same text (an enum's None member; an empty tuple printed as [] or ())
    }
    try {
      T parsed = "None".equals(mxDefault) ? null : kp.parse(mxDefault);
      if (!kp.isDefault(parsed)) {
        problems.add(what + ": MXNet's default '" + mxDefault + "' reads as " + kp.format(parsed)
            + ", Kindling's default is " + kp.format(kp.defaultValue()));
      }
    } catch (IllegalArgumentException e) {
      problems.add(what + ": Kindling cannot read MXNet's default '" + mxDefault + "': "
          + e.getMessage());
    }
  }

  private static boolean isSubsequence(List<String> sub, List<String> of) {
    int j = 0;
    for (String x : sub) {
      while (j < of.size() && !of.get(j).equals(x)) {
        j++;
      }
      if (j == of.size()) {
        return false;
      }
      j++;
    }
    return true;
  }

  // ------------------------------------------------------------------------------ helpers

  /** Aborts the test if MXNet failed on a sample listed in {@link #MXNET_CANNOT_RUN}. */
  private static void abortIfMxnetCannotRun(OpCase<?> c, RuntimeException e) {
    String reason = MXNET_CANNOT_RUN.get(c.op().name() + " " + c.sample());
    if (reason != null) {
      Assumptions.abort("MXNet 1.9.1 cannot run this sample: " + reason + " (it said: "
          + e.getMessage().strip() + ")");
    }
  }

  private static Pointer[] mxInputs(MxImperative.Arena mx, Sample<?> s, double[][] in) {
    Pointer[] h = new Pointer[in.length];
    for (int i = 0; i < in.length; i++) {
      h[i] = mx.array(s.shapes()[i].dims(), s.types()[i].flag(), in[i]);
    }
    return h;
  }

  /** The disagreements of one case, reported together. */
  static final class Problems {
    private final String header;
    private final List<String> lines = new ArrayList<>();

    Problems(String header) {
      this.header = header;
    }

    void add(String line) {
      lines.add(line);
    }

    int count() {
      return lines.size();
    }

    /** MXNet (or Kindling) refused the case: its message is the disagreement. */
    void failed(RuntimeException e) {
      add(e.getClass().getSimpleName() + ": " + e.getMessage().strip());
    }

    /** The inputs of the failing draw, when they are small enough to read. */
    void inputs(List<String> names, double[][] in) {
      int total = Arrays.stream(in).mapToInt(a -> a.length).sum();
      if (total > INPUTS_SHOWN) {
        return;
      }
      StringBuilder sb = new StringBuilder("inputs:");
      for (int i = 0; i < in.length; i++) {
        sb.append(' ').append(names.get(i)).append('=').append(Arrays.toString(in[i]));
      }
      add(sb.toString());
    }

    /** Compares element by element (see the class comment for the tolerance). */
    void values(String what, double[] kindling, double[] mxnet) {
      values(what, kindling, mxnet, true);
    }

    void values(String what, double[] kindling, double[] mxnet, boolean signOfZero) {
      if (kindling.length != mxnet.length) {
        add(what + ": MXNet has " + mxnet.length + " elements, Kindling " + kindling.length);
        return;
      }
      int bad = 0;
      double worst = 0;
      StringBuilder shown = new StringBuilder();
      for (int j = 0; j < mxnet.length; j++) {
        double k = kindling[j];
        double m = mxnet[j];
        boolean ok;
        if (Double.isNaN(k) || Double.isNaN(m)) {
          ok = Double.isNaN(k) && Double.isNaN(m);
        } else if (Double.isInfinite(k) || Double.isInfinite(m)) {
          ok = k == m;
        } else {
          double err = Math.abs(k - m);
          ok = err <= ATOL + RTOL * Math.abs(m);
          // the sign of a zero result is part of MXNet's semantics (relu(-0), elu(-0), ...)
          if (signOfZero && ok && k == 0 && m == 0 && 1 / k != 1 / m) {
            ok = false;
          }
          if (!ok) {
            worst = Math.max(worst, err);
          }
        }
        if (!ok) {
          if (bad < SHOWN) {
            shown.append(String.format("%n      [%d] MXNet %s, Kindling %s", j, str(m),
                str(k)));
          }
          bad++;
        }
      }
      if (bad > 0) {
        add(String.format("%s: %d of %d elements differ (largest finite |difference| %.3g):%s%s",
            what, bad, mxnet.length, worst, shown, bad > SHOWN ? "\n      ..." : ""));
        if (mxnet.length <= INPUTS_SHOWN) {
          add("  all of MXNet's:   " + Arrays.toString(mxnet));
          add("  all of Kindling's: " + Arrays.toString(kindling));
        }
      }
    }

    private static String str(double v) {
      return v == 0 && 1 / v < 0 ? "-0.0" : Double.toString(v);
    }

    void throwIfAny() {
      if (!lines.isEmpty()) {
        throw new AssertionError(header + " disagrees with MXNet 1.9.1:\n  "
            + String.join("\n  ", lines));
      }
    }
  }
}
