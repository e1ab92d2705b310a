/**
 * Progress of a batch for `submit --wait` and the demo: a live bar on a terminal, plain lines
 * otherwise (CI logs, pipes). The rendering is pure; the loop that polls lives in wait-for-batch.ts.
 */
import type { OutcomeCounts } from '../queue/batch-report.ts';

export interface ProgressSample {
  counts: OutcomeCounts;
  /** Epoch ms of this sample and of the first one. */
  at: number;
  startedAt: number;
  /** Items final at the first sample (already done before we started watching). */
  finalAtStart: number;
}

export function finalCount(counts: OutcomeCounts): number {
  return (
    counts.revoked +
    counts['marked-replaced'] +
    counts.replaced +
    counts.rehearsed +
    counts['dead-lettered'] +
    counts['skipped-invalid']
  );
}

/** Items per second since watching began, and the seconds left at that rate. */
export function rateAndEta(sample: ProgressSample): { perSecond: number; etaSeconds: number | undefined } {
  const elapsed = (sample.at - sample.startedAt) / 1000;
  const done = finalCount(sample.counts) - sample.finalAtStart;
  const perSecond = elapsed > 0 ? done / elapsed : 0;
  const remaining = sample.counts.total - finalCount(sample.counts) - sample.counts['pending-approval'];
  return { perSecond, etaSeconds: perSecond > 0 ? remaining / perSecond : undefined };
}

function formatEta(seconds: number | undefined): string {
  if (seconds === undefined) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function progressLine(sample: ProgressSample): string {
  const c = sample.counts;
  const { perSecond, etaSeconds } = rateAndEta(sample);
  const remaining = c.total - finalCount(c) - c['pending-approval'];
  return (
    `done ${c.revoked + c.replaced + c['marked-replaced']}/${c.total}` +
    (c.rehearsed > 0 ? ` · rehearsed ${c.rehearsed}` : '') +
    ` · retrying ${c.retrying}` +
    ` · dead-lettered ${c['dead-lettered']}` +
    (c['pending-approval'] > 0 ? ` · pending-approval ${c['pending-approval']}` : '') +
    (c['skipped-invalid'] > 0 ? ` · skipped ${c['skipped-invalid']}` : '') +
    ` · remaining ${remaining}` +
    ` · ${perSecond.toFixed(1)}/s · ETA ${formatEta(etaSeconds)}`
  );
}

export function progressBar(sample: ProgressSample, width = 30): string {
  const c = sample.counts;
  const fraction = c.total === 0 ? 1 : (finalCount(c) + c['pending-approval']) / c.total;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${progressLine(sample)}`;
}
