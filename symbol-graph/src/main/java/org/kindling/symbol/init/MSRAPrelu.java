package org.kindling.symbol.init;

import java.util.List;
import java.util.SplittableRandom;
import org.kindling.symbol.spec.Spec;
import org.kindling.symbol.spec.SpecValues;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Param;

/**
 * MXNet's {@code MSRAPrelu} (He et al.): {@link Xavier} with gaussian draws and {@code
 * magnitude = 2 / (1 + slope²)}, for layers followed by PReLU-like nonlinearities of initial
 * slope {@code slope}. MXNet's defaults: factor_type avg, slope 0.25.
 */
public final class MSRAPrelu extends WeightInitializer {
  static final Param<Double> SLOPE =
      Param.doubleParam("slope", 0.25).checked(Double::isFinite, "finite");
  static final List<Param<?>> PARAMS = List.of(Xavier.FACTOR_TYPE, SLOPE);

  private final Xavier.FactorType factorType;
  private final double slope;
  private final Xavier xavier;

  /** MXNet's defaults: avg, slope 0.25. */
  public MSRAPrelu(long seed) {
    this(Xavier.FactorType.AVG, 0.25, seed);
  }

  /**
   * @param factorType avg, in or out
   * @param slope the initial slope of the nonlinearity (finite)
   * @param seed the seed
   */
  public MSRAPrelu(Xavier.FactorType factorType, double slope, long seed) {
    super(seed);
    SLOPE.validate(slope);
    this.factorType = factorType;
    this.slope = slope;
    this.xavier = new Xavier(Xavier.RandomType.GAUSSIAN, factorType, 2.0 / (1 + slope * slope),
        seed);
  }

  static MSRAPrelu fromSpec(SpecValues v, long seed) {
    return new MSRAPrelu(v.get(Xavier.FACTOR_TYPE), v.get(SLOPE), seed);
  }

  /** The gaussian standard deviation for a weight shape (see {@link Xavier#scale}). */
  public double scale(Shape shape) {
    return xavier.scale(shape);
  }

  @Override
  protected void initWeight(Shape shape, float[] out, SplittableRandom rnd) {
    xavier.initWeight(shape, out, rnd);
  }

  @Override
  public Spec spec() {
    return Spec.of("msraprelu", Xavier.FACTOR_TYPE.name(), factorType.mxName(), SLOPE.name(),
        slope);
  }
}
