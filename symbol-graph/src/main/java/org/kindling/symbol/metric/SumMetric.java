package org.kindling.symbol.metric;

/**
 * A metric whose value is {@code sum / count} (or a function of it, {@link #value}) of local and
 * global running sums, as MXNet's {@code sum_metric}/{@code num_inst} and their {@code global_}
 * twins.
 */
abstract class SumMetric extends AbstractMetric {
  private double sum;
  private long count;
  private double globalSum;
  private long globalCount;

  SumMetric(String name) {
    super(name);
  }

  /** Adds to the local and global statistics. */
  final void add(double s, long n) {
    sum += s;
    count += n;
    globalSum += s;
    globalCount += n;
  }

  /** Replaces the statistics, for metrics that derive them from other counts each update. */
  final void set(double localSum, long localCount, double globalSum, long globalCount) {
    this.sum = localSum;
    this.count = localCount;
    this.globalSum = globalSum;
    this.globalCount = globalCount;
  }

  /** The value of a sum and count: the mean, NaN for no instances. */
  double value(double s, long n) {
    return n == 0 ? Double.NaN : s / n;
  }

  @Override
  public final MetricValue get() {
    return new MetricValue(name(), value(sum, count));
  }

  @Override
  public final MetricValue getGlobal() {
    return new MetricValue(name(), value(globalSum, globalCount));
  }

  @Override
  public final double sumMetric() {
    return sum;
  }

  @Override
  public final long numInst() {
    return count;
  }

  @Override
  public void merge(double sumMetric, long numInst) {
    add(sumMetric, numInst);
  }

  @Override
  public void reset() {
    set(0, 0, 0, 0);
  }

  @Override
  public void resetLocal() {
    sum = 0;
    count = 0;
  }
}
