package org.kindling.bench.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoreBenchTest {
  private static Map<String, ScoreLine.Row> rows(ScoreLine.Row... rows) {
    Map<String, ScoreLine.Row> m = new LinkedHashMap<>();
    for (ScoreLine.Row r : rows) {
      m.put(r.network() + "@" + r.batch(), r);
    }
    return m;
  }

  @Test
  void tableHasOneRowPerNetworkAndBatchWithKindlingOverEachPeer() {
    ScoreOptions o = ScoreOptions.parse("--networks", "resnet18", "--batches", "1,64",
        "--frameworks", "kindling,mxnet,pytorch", "--warmup-seconds", "2.50");
    Map<String, ScoreBench.Report> reports = new LinkedHashMap<>();
    reports.put("kindling", new ScoreBench.Report(
        new ScoreLine.Framework("Kindling, accel auto", "0.1", "auto"),
        rows(new ScoreLine.Row("resnet18", 1, 50.0, ""),
            new ScoreLine.Row("resnet18", 64, 120.0, ""))));
    reports.put("mxnet", new ScoreBench.Report(
        new ScoreLine.Framework("MXNet (DJL)", "1.9.1", "MKL-DNN on"),
        rows(new ScoreLine.Row("resnet18", 1, 100.0, "close"),
            new ScoreLine.Row("resnet18", 64, 80.0, ""))));
    reports.put("pytorch", new ScoreBench.Report(
        new ScoreLine.Framework("PyTorch (DJL)", "2.7.1", ""),
        rows(new ScoreLine.Row("resnet18", 1, null, "failed: operator X"))));
    String md = ScoreBench.render(o, reports, "2026-12-02T00:00:00Z", "1 1 1", "2 2 2");
    List<String> lines = md.lines().filter(l -> l.startsWith("| resnet18")).toList();
    assertThat(lines).containsExactly(
        "| resnet18 | 1 | 50.0 | 100.0 | n/a | 0.50 | - |",
        "| resnet18 | 64 | 120.0 | 80.0 | - | 1.50 | - |");
    assertThat(md).contains("| network | batch | Kindling, accel auto | MXNet (DJL) | PyTorch (DJL)"
        + " | Kindling auto / MXNet | Kindling auto / PyTorch |");
    assertThat(md).contains("load average (1, 5, 15 min) before: 1 1 1, after: 2 2 2");
    assertThat(md).contains("warm-up of at least " + o.warmup() + " forward passes and at least "
        + "2.5 s, then at least 10 timed forward passes and at least 5 s of them");
    assertThat(md).contains("  - resnet18 batch 1: failed: operator X");
  }

  @Test
  void reportsOfOneFrameworkFromSeveralJvmsJoinInNetworkOrder() {
    ScoreBench.Report first = new ScoreBench.Report(
        new ScoreLine.Framework("MXNet (DJL)", "1.9.1", "MKL-DNN on"),
        rows(new ScoreLine.Row("resnet18", 1, 20.0, "")));
    ScoreBench.Report second = new ScoreBench.Report(
        new ScoreLine.Framework("MXNet (DJL)", "1.9.1", "MKL-DNN on; killed after 5 min"),
        rows(new ScoreLine.Row("vgg16", 1, 4.0, "")));
    ScoreBench.Report both = first.and(second);
    assertThat(both.rows().keySet()).containsExactly("resnet18@1", "vgg16@1");
    assertThat(both.framework().notes())
        .isEqualTo("MKL-DNN on; MKL-DNN on; killed after 5 min");
    assertThat(first.and(first).framework().notes()).isEqualTo("MKL-DNN on");
  }

  @Test
  void forNetworkKeepsEveryOtherSetting() {
    ScoreOptions o = ScoreOptions.parse("--networks", "resnet18,vgg16", "--batches", "1,8",
        "--warmup", "2");
    ScoreOptions one = o.forNetwork("vgg16");
    assertThat(one.networks()).containsExactly("vgg16");
    assertThat(one).isEqualTo(new ScoreOptions(List.of("vgg16"), o.batches(), o.frameworks(),
        o.threads(), o.warmup(), o.warmupSeconds(), o.iterations(), o.timedSeconds(),
        o.maxSeconds(), o.seed(), o.timeoutMinutes()));
  }
}
