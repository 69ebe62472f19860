package org.kindling.tensor.op;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kindling.testing.OpRunner;

/**
 * Every in-place pair an operator declares holds for its kernel: run with the output in the
 * input's buffer, as a memory plan runs it, forward ({@link OpDef#inplaceOptions}) and backward
 * ({@link OpDef#backwardInplaceOptions}) give exactly the results of separate buffers. A pair a
 * plan could never use (sizes or element sizes that differ) is skipped, as the planner skips it.
 */
class InPlaceSuiteTest {
  /** One declared pair on one sample. */
  record Case<P extends Record>(OpDef<P> op, Sample<P> sample, int index, int from, int to,
      boolean backward) {
    @Override
    public String toString() {
      return op.name() + " #" + index + " " + sample + (backward ? " backward out-grad " + from
          + " -> in-grad " + to : " input " + from + " -> output " + to);
    }

    long seed() {
      return (op.name().hashCode() * 31L + index) * 0x9E3779B97F4A7C15L;
    }
  }

  private static Stream<Case<?>> cases() {
    List<Case<?>> all = new ArrayList<>();
    for (OpDef<?> op : OpRegistry.all()) {
      addCases(op, all);
    }
    return all.stream();
  }

  private static <P extends Record> void addCases(OpDef<P> op, List<Case<?>> out) {
    List<Sample<P>> samples = op.samples();
    for (int s = 0; s < samples.size(); s++) {
      Sample<P> sample = samples.get(s);
      P p = sample.params();
      if (op.inplaceOptions(p).isEmpty() && op.backwardInplaceOptions(p).isEmpty()) {
        continue;
      }
      OpRunner<P> run = new OpRunner<>(op, sample);
      for (int[] pair : op.inplaceOptions(p)) {
        if (fits(sample.shapes()[pair[0]].size(), sample.types()[pair[0]].byteSize(),
            run.outShapes()[pair[1]].size(), run.outTypes()[pair[1]].byteSize())) {
          out.add(new Case<>(op, sample, s, pair[0], pair[1], false));
        }
      }
      boolean differentiable = op.gradient(p) == OpDef.Gradient.DIFFERENTIABLE
          && op.backwardDeps(p).outputGrads();
      for (int[] pair : op.backwardInplaceOptions(p)) {
        if (differentiable && !sample.domains()[pair[1]].integral()
            && !op.mutableInputs(p).contains(pair[1])
            && fits(run.outShapes()[pair[0]].size(), run.outTypes()[pair[0]].byteSize(),
                sample.shapes()[pair[1]].size(), sample.types()[pair[1]].byteSize())) {
          out.add(new Case<>(op, sample, s, pair[0], pair[1], true));
        }
      }
    }
  }

  private static boolean fits(long fromSize, int fromElem, long toSize, int toElem) {
    return fromSize == toSize && fromElem == toElem;
  }

  @TestFactory
  Stream<DynamicTest> inPlaceRunsGiveTheSameResults() {
    List<Case<?>> all = cases().toList();
    assertThat(all).as("declared pairs").anyMatch(Case::backward)
        .anyMatch(c -> !c.backward());
    return all.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
  }

  private static <P extends Record> void check(Case<P> c) {
    OpRunner<P> run = new OpRunner<>(c.op(), c.sample());
    boolean train = c.sample().train();
    Random r = new Random(c.seed());
    double[][] in = run.inputs(r, false);
    if (!c.backward()) {
      double[][] separate = run.forward(OpRunner.deepCopy(in), train, c.seed());
      double[][] shared = run.forwardInPlace(in, train, c.seed(), c.from(), c.to());
      for (int k = 0; k < run.op().numVisibleOutputs(); k++) {
        OperatorSuiteTest.assertClose(shared[k], separate[k], 0, 0, c + ": output " + k);
      }
      return;
    }
    int n = in.length;
    GradReq[] req = new GradReq[n];
    for (int i = 0; i < n; i++) {
      boolean differentiable = !c.sample().domains()[i].integral()
          && !run.op().mutableInputs().contains(i);
      req[i] = differentiable ? GradReq.WRITE : GradReq.NULL;
    }
    double[][] heads = new double[run.outShapes().length][];
    for (int k = 0; k < run.op().numVisibleOutputs(); k++) {
      heads[k] = new double[run.outShapes()[k].intSize()];
      for (int j = 0; j < heads[k].length; j++) {
        heads[k][j] = r.nextDouble() * 2 - 1;
      }
    }
    double[][] separate = run.backward(in, heads, req, null, train, c.seed());
    double[][] shared = run.backwardInPlace(in, heads, req, train, c.seed(), c.from(), c.to());
    for (int i = 0; i < n; i++) {
      if (req[i] != GradReq.NULL) {
        OperatorSuiteTest.assertClose(shared[i], separate[i], 0, 0, c + ": gradient " + i);
      }
    }
  }
}
