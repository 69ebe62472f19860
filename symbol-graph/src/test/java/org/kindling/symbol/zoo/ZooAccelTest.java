package org.kindling.symbol.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kindling.symbol.Executor;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.symbol.zoo.SmallZoo.Net;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Randoms;

/**
 * The oneDNN backend changes no result: every zoo network family, at batch 2 and the smallest
 * square input it accepts, and the 1-D, 2-D and 3-D encoder-decoders of {@link AccelNets}
 * (Deconvolution, which no zoo network has), gives the same outputs, parameter gradients and
 * updated BatchNorm statistics for a training step and an inference pass with
 * {@code kindling.cpu.accel=force} (every Convolution, Deconvolution, FullyConnected, Pooling and
 * BatchNorm of these networks on oneDNN, or the bind fails) as with {@code off} (the default
 * kernels).
 *
 * <p>"The same" is float32 tolerance, calibrated per network: at batch 2 a training-mode
 * BatchNorm over a 1x1 or 2x2 map normalises 2 to 8 values, and there a change of the data in
 * its 6th digit moves the gradients of ResNet-50 v1, Inception-BN or MobileNet by about 1% on the
 * default kernels alone. So a training result may differ from the default kernels' by 10 times
 * what such a perturbation of the data and every parameter makes them differ by, plus
 * {@value #TOL} of its largest magnitude; an error of the backend (a wrong window, pad or
 * layout) is of the order of the values themselves. A gradient that is zero but for rounding
 * (the bias of a Convolution before a BatchNorm) is a sum whose terms cancel, and its rounding
 * depends on the order oneDNN sums in: gradients may also differ by {@value #TOL} of the
 * network's largest gradient element. And a ReLU whose input is within rounding of zero lets the
 * gradient through on one backend and not on the other, which moves one channel's gradients
 * (here ResNet-18's stage3_unit2 conv1 filter 126 differs, and no other of its 256): a gradient
 * may exceed the bound in one slice along its first axis, by at most 1% of the array's L2 norm.
 * The inference pass (BatchNorm on moving statistics) gets the plain bound.
 */
class ZooAccelTest {
  private static final double TOL = 1e-4;

  @AfterEach
  void reset() {
    CpuAccel.reset();
  }

  static Stream<Net> networks() {
    Stream<Net> nets = Stream.of("mlp", "lenet", "alexnet", "vgg11", "vgg11_bn", "resnet18",
        "resnet50_v1", "inception-bn", "mobilenet").map(name -> SmallZoo.smallest(name, 0));
    // Inception-BN's full network (above 28x28): its average poolings are padded; and the
    // Deconvolution, 1-D and 3-D layers no zoo network has
    return Stream.of(nets, Stream.of(SmallZoo.smallest("inception-bn", 29)),
        AccelNets.networks().stream()).flatMap(s -> s);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void oneDnnGivesTheDefaultKernelsResults(Net net) {
    SmallZoo.Arrays arrays = SmallZoo.arrays(net);
    Map<String, NDArray> args = arrays.args();
    Map<String, NDArray> aux = arrays.aux();
    List<Executor> all = new ArrayList<>();
    try {
      CpuAccel.configure(CpuAccel.Mode.OFF, 0);
      Executor trainOff = bind(net, args, aux, true, all);
      Executor inferOff = bind(net, args, aux, false, all);
      Map<String, NDArray> perturbed = perturbed(args);
      Executor trainNoise = bind(net, perturbed, aux, true, all);
      CpuAccel.configure(CpuAccel.Mode.FORCE, 0);
      Executor trainOn = bind(net, args, aux, true, all);
      Executor inferOn = bind(net, args, aux, false, all);
      for (Executor e : List.of(trainOff, trainNoise, trainOn)) {
        Randoms.seed(11);
        e.forward(true);
        e.backward();
      }
      perturbed.values().forEach(NDArray::close);
      close(trainOff.outputs().get(0), trainOn.outputs().get(0),
          trainNoise.outputs().get(0), 0, false, net + " training output");
      double largestGradient = 0;
      for (NDArray g : trainOff.gradDict().values()) {
        largestGradient = Math.max(largestGradient, largest(g.toFloatArray()));
      }
      for (String name : trainOff.gradDict().keySet()) {
        close(trainOff.gradDict().get(name), trainOn.gradDict().get(name),
            trainNoise.gradDict().get(name), TOL * largestGradient, true,
            net + " gradient of " + name);
      }
      for (String name : trainOff.auxDict().keySet()) {
        close(trainOff.auxDict().get(name), trainOn.auxDict().get(name),
            trainNoise.auxDict().get(name), 0, false, net + " updated " + name);
      }
      for (Executor e : List.of(inferOff, inferOn)) {
        e.forward(false);
      }
      close(inferOff.outputs().get(0), inferOn.outputs().get(0), inferOff.outputs().get(0), 0,
          false, net + " inference output");
    } finally {
      all.forEach(Executor::close);
      arrays.close();
    }
  }

  @Test
  void forceNamesTheLayerItCannotAccelerate() {
    Symbol data = Symbol.variable("data");
    Symbol pool = new Layers().pool(data).type(org.kindling.tensor.op.nn.Pooling.PoolType.SUM)
        .kernel(2, 2).stride(2, 2).name("sum_pool").build();
    CpuAccel.configure(CpuAccel.Mode.FORCE, 0);
    Map<String, NDArray> args = Map.of("data", NDArray.zeros(Shape.of(1, 2, 4, 4)));
    assertThatThrownBy(() -> pool.bind(args, Map.of(), Map.of(), Map.of(), PlanOptions.DEFAULT))
        .hasMessageContaining("sum_pool").hasMessageContaining("pool_type sum");
    CpuAccel.configure(CpuAccel.Mode.AUTO, 0);
    try (Executor e = pool.bind(args, Map.of(), Map.of(), Map.of(), PlanOptions.DEFAULT)) {
      e.forward(false);
      assertThat(e.outputs().get(0).shape()).isEqualTo(Shape.of(1, 2, 2, 2));
    }
  }

  /** Binds with the shared arguments, fresh copies of the auxiliary states and own gradients. */
  private static Executor bind(Net net, Map<String, NDArray> args, Map<String, NDArray> aux,
      boolean train, List<Executor> all) {
    Map<String, NDArray> auxArrays = new LinkedHashMap<>();
    aux.forEach((name, initial) -> auxArrays.put(name, initial.copy()));
    Map<String, NDArray> grads = new LinkedHashMap<>();
    Map<String, GradReq> reqs = new LinkedHashMap<>();
    if (train) {
      args.forEach((name, a) -> {
        if (!name.equals("data") && !name.equals("softmax_label")) {
          grads.put(name, NDArray.zeros(a.shape()));
          reqs.put(name, GradReq.WRITE);
        }
      });
    }
    Executor e = net.symbol().bind(args, grads, reqs, auxArrays, PlanOptions.DEFAULT);
    e.adopt(auxArrays.values());
    e.adopt(grads.values());
    all.add(e);
    return e;
  }

  /**
   * Copies of {@code args} with every array but the labels changed in about its 6th digit, as
   * rounding changes every layer's result.
   */
  private static Map<String, NDArray> perturbed(Map<String, NDArray> args) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    args.forEach((name, a) -> {
      NDArray c = a.copy();
      if (!name.equals("softmax_label")) {
        float[] v = c.toFloatArray();
        for (int i = 0; i < v.length; i++) {
          v[i] *= 1 + 1e-6f * (i % 3 - 1);
        }
        c.set(v);
      }
      out.put(name, c);
    });
    return out;
  }

  /** The largest magnitude in {@code v}. */
  private static double largest(float[] v) {
    double m = 0;
    for (float x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  /**
   * Asserts equal values within 10 times the largest difference the perturbed run shows, plus
   * {@link #TOL} of the expected array's largest magnitude, plus {@code floor}; but for a
   * gradient ({@code gradient}), one slice along the first axis (one filter, one channel) may
   * exceed that bound by at most 1% of the whole array's L2 norm.
   */
  private static void close(NDArray expected, NDArray actual, NDArray perturbed, double floor,
      boolean gradient, String what) {
    expected.waitToRead();
    actual.waitToRead();
    perturbed.waitToRead();
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    float[] p = perturbed.toFloatArray();
    assertThat(a).as(what).hasSameSizeAs(e);
    double largest = 1e-6;
    double noise = 0;
    double norm2 = 0;
    for (int i = 0; i < e.length; i++) {
      largest = Math.max(largest, Math.abs(e[i]));
      noise = Math.max(noise, Math.abs(e[i] - p[i]));
      norm2 += (double) e[i] * e[i];
    }
    double bound = 10 * noise + TOL * largest + floor;
    int slice = e.length / Math.max(1, expected.shape().get(0));
    int allowedSlice = -1;
    double outliers2 = 0;
    for (int i = 0; i < e.length; i++) {
      if (Math.abs(e[i] - a[i]) <= bound || slice == 0) {
        continue;
      }
      if (gradient && (allowedSlice < 0 || allowedSlice == i / slice)) {
        allowedSlice = i / slice; // the one slice a flipped ReLU may move
        outliers2 += (double) (e[i] - a[i]) * (e[i] - a[i]);
        continue;
      }
      assertThat((double) Math.abs(e[i] - a[i])).as("%s: element %d of %s (%s against %s)",
          what, i, expected.shape(), a[i], e[i]).isLessThanOrEqualTo(bound);
    }
    assertThat(Math.sqrt(outliers2)).as("%s: L2 norm of the differences beyond the bound in "
        + "slice %d", what, allowedSlice).isLessThanOrEqualTo(1e-2 * Math.sqrt(norm2));
  }
}
