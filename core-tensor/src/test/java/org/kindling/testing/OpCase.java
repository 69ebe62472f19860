package org.kindling.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.op.Sample;

/**
 * One sample of one registered operator: the unit of the operator suites (core-tensor's
 * {@code OperatorSuiteTest}, it/'s {@code OperatorsMatchMxnetIT}), which both draw a case's
 * inputs from {@link #seed()}, so that a sample gets the same inputs in both.
 *
 * @param op the operator
 * @param sample the sample
 * @param index the sample's position in {@link OpDef#samples()}
 * @param <P> the operator's parameter record
 */
public record OpCase<P extends Record>(OpDef<P> op, Sample<P> sample, int index) {
  /** Every sample of every registered operator, operators by name. */
  public static Stream<OpCase<?>> all() {
    List<OpCase<?>> all = new ArrayList<>();
    for (OpDef<?> op : OpRegistry.all()) {
      addCases(op, all);
    }
    return all.stream();
  }

  private static <P extends Record> void addCases(OpDef<P> op, List<OpCase<?>> out) {
    List<Sample<P>> samples = op.samples();
    for (int i = 0; i < samples.size(); i++) {
      out.add(new OpCase<>(op, samples.get(i), i));
    }
  }

  /** The test name: operator, sample index and sample. */
  public String name() {
    return op.name() + " #" + index + " " + sample;
  }

  /** The seed of the case's inputs. */
  public long seed() {
    return (op.name().hashCode() * 31L + index) * 0x9E3779B97F4A7C15L;
  }

  /** The sample's parameters. */
  public P params() {
    return sample.params();
  }
}
