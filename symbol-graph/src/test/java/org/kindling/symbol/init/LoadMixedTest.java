package org.kindling.symbol.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.module.Module;
import org.kindling.symbol.zoo.Layers;
import org.kindling.tensor.DType;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.ParamsFile;

/** {@link Load} through {@code .params} files and {@link Module}, and {@link Mixed}. */
class LoadMixedTest {
  private static Symbol net(int hidden) {
    Layers l = new Layers();
    Symbol h = l.bn(l.fc("fc1", l.variable("data"), hidden)).name("bn1").build();
    return l.softmaxOutput("softmax", l.fc("fc2", h, 3));
  }

  private static Module bound(int hidden) {
    Module m = new Module(net(hidden));
    m.bind(Shape.of(4, 5), Shape.of(4), false);
    return m;
  }

  private static NDArray random(Shape shape, SplittableRandom rnd) {
    float[] v = new float[shape.intSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextDouble(-1, 1);
    }
    return NDArray.of(v, shape);
  }

  private static NDArray float64(double[] values, Shape shape) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    return NDArray.ofBytes(b.flip(), DType.FLOAT64, shape);
  }

  @Test
  void loadsAFileWithPrefixesBareNamesOtherTypesAndADefaultForTheRest(@TempDir Path dir)
      throws Exception {
    SplittableRandom rnd = new SplittableRandom(5);
    Map<String, NDArray> stored = new LinkedHashMap<>();
    stored.put("arg:fc1_weight", random(Shape.of(6, 5), rnd));
    stored.put("arg:fc1_bias", random(Shape.of(6), rnd));
    stored.put("bn1_gamma", random(Shape.of(6), rnd)); // a bare name, as Gluon saves
    stored.put("arg:bn1_beta", float64(new double[] {1, 2, 3, 4, 5, 6.5}, Shape.of(6)));
    stored.put("aux:bn1_moving_mean", random(Shape.of(6), rnd));
    stored.put("aux:bn1_moving_var", random(Shape.of(6), rnd));
    stored.put("arg:fc2_bias", random(Shape.of(3), rnd));
    Path file = dir.resolve("partial.params"); // fc2_weight is missing
    ParamsFile.writeAtomically(file, new ArrayList<>(stored.keySet()),
        new ArrayList<>(stored.values()));

    Module m = bound(6);
    try (Load load = Load.fromFile(file, new Xavier(8))) {
      assertThat(load.names()).containsExactly("fc1_weight", "fc1_bias", "bn1_gamma",
          "bn1_beta", "bn1_moving_mean", "bn1_moving_var", "fc2_bias");
      m.initParams(load);
    }
    Map<String, NDArray> args = m.getParams();
    Map<String, NDArray> aux = m.getAuxParams();
    stored.forEach((n, a) -> {
      String name = n.contains(":") ? n.substring(4) : n;
      NDArray got = args.containsKey(name) ? args.get(name) : aux.get(name);
      assertThat(got.toFloatArray()).as(name).containsExactly(a.toFloatArray());
    });
    NDArray expected = NDArray.zeros(3, 6);
    new Xavier(8).init("fc2_weight", expected);
    assertThat(args.get("fc2_weight").toFloatArray()).containsExactly(expected.toFloatArray());
  }

  @Test
  void aModuleCheckpointRoundTripsThroughLoad(@TempDir Path dir) throws Exception {
    Module first = bound(6);
    Initializer fill = new Initializer() {
      @Override
      public void init(InitDesc desc, NDArray array) {
        array.fill(0.3f);
      }
    };
    first.initParams(new Mixed(List.of(".*moving_mean", ".*"), List.of(fill, new Xavier(3))));
    assertThat(first.getAuxParams().get("bn1_moving_mean").toFloatArray()).containsOnly(0.3f);
    Path prefix = dir.resolve("net");
    first.saveCheckpoint(prefix, 3);
    Module second = bound(6);
    try (Load load = Load.fromFile(Module.paramsPath(prefix, 3), null)) {
      second.initParams(load);
    }
    Map<String, NDArray> a = first.getParams();
    second.getParams().forEach((k, v) ->
        assertThat(v.toFloatArray()).as(k).containsExactly(a.get(k).toFloatArray()));
    Map<String, NDArray> aux = first.getAuxParams();
    second.getAuxParams().forEach((k, v) ->
        assertThat(v.toFloatArray()).as(k).containsExactly(aux.get(k).toFloatArray()));
  }

  @Test
  void mismatchesAndMissingNamesAreErrorsNamingParameterAndFile(@TempDir Path dir)
      throws Exception {
    Module six = bound(6);
    six.initParams(new Xavier(1));
    Path prefix = dir.resolve("six");
    six.saveCheckpoint(prefix, 1);
    Path file = Module.paramsPath(prefix, 1);
    try (Load load = Load.fromFile(file, new Xavier(2))) {
      // Module visits parameters in sorted order, as MXNet's init_params: bn1_beta first
      assertThatThrownBy(() -> bound(7).initParams(load))
          .hasMessageContaining("'bn1_beta'").hasMessageContaining(file.toString())
          .hasMessageContaining("target (7,) vs loaded (6,)");
      NDArray fc1 = NDArray.zeros(7, 5);
      assertThatThrownBy(() -> load.init("fc1_weight", fc1))
          .hasMessageContaining("'fc1_weight'").hasMessageContaining(file.toString())
          .hasMessageContaining("target (7, 5) vs loaded (6, 5)");
      NDArray other = NDArray.zeros(2, 2);
      load.init("other_weight", other);
      NDArray expected = NDArray.zeros(2, 2);
      new Xavier(2).init("other_weight", expected);
      assertThat(other.toFloatArray()).containsExactly(expected.toFloatArray());
    }
    try (Load noDefault = Load.fromFile(file, null)) {
      assertThatThrownBy(() -> noDefault.init("other_weight", NDArray.zeros(2, 2)))
          .hasMessageContaining("'other_weight'").hasMessageContaining(file.toString())
          .hasMessageContaining("no default initializer");
    }
  }

  @Test
  void filesWithoutNamesOrWithNamesTwiceAreRejected(@TempDir Path dir) throws Exception {
    Path list = dir.resolve("list.params");
    ParamsFile.writeAtomically(list, List.of(), List.of(NDArray.zeros(2)));
    assertThatThrownBy(() -> Load.fromFile(list, null)).isInstanceOf(FormatException.class)
        .hasMessageContaining(list.toString()).hasMessageContaining("without names");
    Path twice = dir.resolve("twice.params");
    ParamsFile.writeAtomically(twice, List.of("arg:w", "w"),
        List.of(NDArray.zeros(2), NDArray.zeros(2)));
    assertThatThrownBy(() -> Load.fromFile(twice, null)).isInstanceOf(FormatException.class)
        .hasMessageContaining("'w' occurs twice").hasMessageContaining("'arg:w' and 'w'");
  }

  @Test
  void loadFromAMapCopiesTheArrays() {
    NDArray w = NDArray.of(new float[] {1, 2, 3, 4}, Shape.of(2, 2));
    Load load = Load.fromMap(Map.of("arg:a_weight", w), null);
    w.set(new float[] {9, 9, 9, 9});
    NDArray target = NDArray.zeros(2, 2);
    load.init("a_weight", target);
    assertThat(target.toFloatArray()).containsExactly(1, 2, 3, 4);
    load.close();
  }

  @Test
  void mixedPicksTheFirstPatternMatchingTheStartOfTheName() {
    Mixed mixed = new Mixed(List.of("fc1_", "bias", ".*_gamma", ".*"),
        List.of(new Constant(0.5), new One(), new Zero(), new Constant(2)));
    NDArray a = NDArray.zeros(2, 2);
    mixed.init("fc1_weight", a);
    assertThat(a.toFloatArray()).containsOnly(0.5f);
    mixed.init("fc2_weight", a);
    assertThat(a.toFloatArray()).containsOnly(2f);
    NDArray g = NDArray.zeros(2);
    mixed.init("bn_gamma", g); // Zero's name rule still makes a gamma one
    assertThat(g.toFloatArray()).containsOnly(1f);
    // the descriptor, attributes included, reaches the chosen initializer
    mixed.init(new InitDesc("fc2_bias", Map.of(InitDesc.INIT_ATTR, "constant(value=3)")), g);
    assertThat(g.toFloatArray()).containsOnly(3f);

    Mixed strict = new Mixed(List.of("bias"), List.of(new Zero()));
    assertThatThrownBy(() -> strict.init("fc1_bias", NDArray.zeros(2)))
        .hasMessageContaining("'fc1_bias'").hasMessageContaining("\".*\"");
    assertThatThrownBy(() -> new Mixed(List.of("("), List.of(new Zero())))
        .hasMessageContaining("'('");
    assertThatThrownBy(() -> new Mixed(List.of("a", "b"), List.of(new Zero())))
        .hasMessageContaining("2 patterns but 1 initializers");
  }
}
