package org.kindling.tensor.op;

import java.util.Arrays;
import java.util.Objects;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;

/**
 * One configuration on which the test suites run an operator: its parameters, input shapes,
 * input types and value domains. Every operator declares a few ({@link OpDef#samples()}); the
 * reference, gradient and MXNet conformance suites run over every sample of every registered
 * operator, so a new operator is tested by being declared.
 *
 * @param params the parameters
 * @param shapes input shapes
 * @param types input types (float32 unless an input is a label or index)
 * @param domains where each input's values come from
 * @param gradientCheck false where central differences are meaningless (random outputs, step
 *     functions); the forward checks still run
 * @param train true to run the forward pass in training mode
 * @param <P> the parameter record
 */
public record Sample<P>(P params, Shape[] shapes, DType[] types, Domain[] domains,
    boolean gradientCheck, boolean train) {
  /** Copies the arrays and checks their lengths. */
  public Sample {
    Objects.requireNonNull(params, "params");
    shapes = shapes.clone();
    types = types.clone();
    domains = domains.clone();
    if (types.length != shapes.length || domains.length != shapes.length) {
      throw new IllegalArgumentException("a sample needs one type and domain per input shape");
    }
  }

  /** Float32 inputs of the given shapes, values from {@link Domain#ANY}, gradient checked. */
  public static <P> Sample<P> of(P params, Shape... shapes) {
    DType[] types = new DType[shapes.length];
    Arrays.fill(types, DType.FLOAT32);
    Domain[] domains = new Domain[shapes.length];
    Arrays.fill(domains, Domain.ANY);
    return new Sample<>(params, shapes, types, domains, true, false);
  }

  /** This sample with input {@code i} drawn from {@code d}. */
  public Sample<P> domain(int i, Domain d) {
    Domain[] ds = domains.clone();
    ds[i] = d;
    return new Sample<>(params, shapes, types, ds, gradientCheck, train);
  }

  /** This sample with input {@code i} of type {@code t}. */
  public Sample<P> type(int i, DType t) {
    DType[] ts = types.clone();
    ts[i] = t;
    return new Sample<>(params, shapes, ts, domains, gradientCheck, train);
  }

  /** This sample without the numerical gradient check. */
  public Sample<P> noGradientCheck() {
    return new Sample<>(params, shapes, types, domains, false, train);
  }

  /** This sample run in training mode. */
  public Sample<P> training() {
    return new Sample<>(params, shapes, types, domains, gradientCheck, true);
  }

  @Override
  public String toString() {
    return params + " on " + Arrays.toString(shapes)
        + (Arrays.stream(types).allMatch(t -> t == DType.FLOAT32) ? "" : " " + Arrays.toString(types))
        + (train ? " (train)" : "");
  }
}
