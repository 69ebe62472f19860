package org.kindling.tensor.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failures of one engine that no wait has reported yet, so that {@code waitAll} can report
 * the first of them; a failure leaves as soon as a wait reports it.
 *
 * <p>Memory stays bounded without any {@code waitAll}: an unreported failure is held either
 * because a live variable carries it (at most one per variable) or, once no variable carries it
 * any more (its variables were deleted or overwritten by another failure, or the operation
 * wrote none), as an <em>orphan</em> that only {@code waitAll} could report. Since
 * {@code waitAll} reports only the earliest failure in push order and clears the rest, only the
 * earliest orphan is kept; later ones are logged and dropped when they become orphans, which
 * changes nothing {@code waitAll} would report.
 *
 * <p>The engines call {@link #carry} whenever a variable's failure changes, while the variable
 * is held (so each variable's changes are ordered), and {@link #record} once a new failure has
 * been put on the outputs of the operation that raised it. All methods are synchronized; they
 * run only when a failure exists, never on the success path.
 */
final class FailureLedger {
  private static final Logger LOG = LoggerFactory.getLogger(FailureLedger.class);

  private final String engineId;
  /** Unreported failures that at least one variable carries. */
  private final Set<Failure> carried = new HashSet<>();
  /** The earliest unreported failure that no variable carries, or null. */
  private Failure orphan;

  FailureLedger(String engineId) {
    this.engineId = engineId;
  }

  /** A variable's failure changes from {@code old} to {@code now} (either may be null). */
  synchronized void carry(Failure old, Failure now) {
    if (old == now) {
      return;
    }
    if (now != null) {
      now.carriers++; // before the drop below, so a failure moving between variables stays
    }
    if (old != null) {
      old.carriers--;
      if (old.carriers == 0 && carried.remove(old)) {
        adoptOrphan(old);
      }
    }
  }

  /** A new failure has been {@linkplain #carry carried} onto its operation's outputs. */
  synchronized void record(Failure f) {
    if (f.carriers > 0) {
      carried.add(f);
    } else {
      adoptOrphan(f);
    }
  }

  private void adoptOrphan(Failure f) {
    if (!f.isUnreported()) {
      return;
    }
    Failure dropped = f;
    if (orphan == null || f.opSeq() < orphan.opSeq()) {
      dropped = orphan;
      orphan = f;
    }
    if (dropped != null) {
      LOG.warn("{}: {} was never waited for and no variable carries it any more; dropped (a"
          + " waitAll would report an earlier failure)", engineId, dropped);
    }
  }

  /**
   * A wait saw {@code f}: marks it reported as of push sequence {@code seq} and forgets it.
   * True if this caller must rethrow it (nobody reported it before).
   */
  synchronized boolean claim(Failure f, long seq) {
    if (!f.markReported(seq)) {
      return false;
    }
    carried.remove(f);
    if (orphan == f) {
      orphan = null;
    }
    return true;
  }

  /**
   * {@code waitAll}: marks every unreported failure reported as of {@code seq}, forgets them all
   * and returns the earliest in push order (null if none); the others are logged.
   */
  synchronized Failure claimAll(long seq) {
    List<Failure> all = new ArrayList<>(carried);
    if (orphan != null) {
      all.add(orphan);
    }
    carried.clear();
    orphan = null;
    all.sort(Comparator.comparingLong(Failure::opSeq));
    Failure first = null;
    for (Failure f : all) {
      if (f.markReported(seq)) {
        if (first == null) {
          first = f;
        } else {
          LOG.warn("{}: further failure cleared by waitAll: {}", engineId, f);
        }
      }
    }
    return first;
  }

  /** How many failures are held: unreported, carried or the one orphan. */
  synchronized int size() {
    return carried.size() + (orphan == null ? 0 : 1);
  }
}
