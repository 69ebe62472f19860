package org.kindling.symbol.callback;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A history as a PNG line chart drawn with JFreeChart: one series per column against the epoch,
 * losses and errors (lower is better) in an upper panel titled {@code loss}, accuracy-like
 * metrics in a lower panel titled {@code metric}, other measures (a job's {@code kv_*} figures)
 * in a third titled {@code measures} (a panel without columns is left out). Each
 * metric has its own colour, solid for training and dashed for evaluation. NaN and
 * infinite values are left out of their line. Rendering is headless: {@code java.awt.headless}
 * is set to {@code true} unless the JVM was started with a value for it.
 */
final class HistoryChart {
  /** Dark, distinct colours that read on white. */
  private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728),
      new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b)};
  private static final BasicStroke SOLID = new BasicStroke(2f);
  private static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT,
      BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

  private HistoryChart() {}

  /** The chart as PNG bytes of {@code width x height} pixels. */
  static byte[] png(List<EpochRecord> epochs, List<String> columns, int width, int height) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    List<String> names = columns.stream().map(EpochEndParam::metricName).distinct().toList();
    XYSeriesCollection losses = new XYSeriesCollection();
    XYSeriesCollection metrics = new XYSeriesCollection();
    XYSeriesCollection measures = new XYSeriesCollection();
    for (String column : columns) {
      XYSeries s = new XYSeries(column, true, false);
      for (EpochRecord e : epochs) {
        Double v = e.values().get(column);
        if (v != null && Double.isFinite(v)) {
          s.add(e.epoch(), v.doubleValue());
        }
      }
      if (!EpochEndParam.isMetricColumn(column)) {
        measures.addSeries(s);
        continue;
      }
      boolean higher = MetricDirection.higherIsBetter(EpochEndParam.metricName(column));
      (higher ? metrics : losses).addSeries(s);
    }
    NumberAxis epochAxis = new NumberAxis("epoch");
    epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
    plot.setGap(12);
    if (losses.getSeriesCount() > 0) {
      plot.add(panel(losses, "loss", names), 1);
    }
    if (metrics.getSeriesCount() > 0 || losses.getSeriesCount() == 0) {
      plot.add(panel(metrics, "metric", names), 1);
    }
    if (measures.getSeriesCount() > 0) {
      plot.add(panel(measures, "measures", names), 1);
    }
    JFreeChart chart = new JFreeChart("Training history", JFreeChart.DEFAULT_TITLE_FONT, plot,
        true);
    chart.setBackgroundPaint(Color.WHITE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, width, height);
    } catch (IOException e) {
      throw new UncheckedIOException("writing PNG to memory failed", e);
    }
    return out.toByteArray();
  }

  /** A panel of {@code data}; {@code metrics} (all metric names, in order) pick the colours. */
  private static XYPlot panel(XYSeriesCollection data, String title, List<String> metrics) {
    NumberAxis values = new NumberAxis(title);
    values.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      String column = (String) data.getSeriesKey(i);
      int colour = metrics.indexOf(EpochEndParam.metricName(column));
      lines.setSeriesPaint(i, PALETTE[colour % PALETTE.length]);
      lines.setSeriesStroke(i, column.startsWith(EpochEndParam.EVAL_PREFIX) ? DASHED : SOLID);
    }
    XYPlot p = new XYPlot(data, null, values, lines);
    p.setBackgroundPaint(Color.WHITE);
    p.setDomainGridlinePaint(Color.LIGHT_GRAY);
    p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    p.setNoDataMessage("no values yet");
    return p;
  }
}
