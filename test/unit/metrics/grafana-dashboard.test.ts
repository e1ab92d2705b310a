/**
 * The Grafana dashboard (deploy/grafana/revoker-dashboard.json) parses, every query names only
 * metrics revoker exports (or Prometheus's own functions and labels), groups by labels those
 * metrics have, and the panels the issue asks for are there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../../src/metrics/metric-names.ts';

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string; refId: string }[];
  panels?: Panel[];
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../../deploy/grafana/revoker-dashboard.json', import.meta.url), 'utf8'),
) as { uid: string; panels: Panel[]; templating: { list: { name: string; query?: unknown }[] } };

function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

const panels = allPanels(dashboard.panels);
const queries = [
  ...panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr }))),
  ...dashboard.templating.list
    .filter((v) => typeof v.query === 'object' && v.query !== null)
    .map((v) => ({ panel: `variable ${v.name}`, expr: (v.query as { query: string }).query })),
];

const EXPORTED = new Set<string>(Object.values(METRIC_NAMES));
/** A histogram's series: name_bucket, name_sum, name_count. */
const HISTOGRAMS = new Set<string>([METRIC_NAMES.vendorCallDurationSeconds]);
/** Labels our metrics carry, and `le` of histogram buckets. */
const LABELS = new Set(['account', 'operation', 'outcome', 'code', 'class', 'state', 'le']);

function metricsOf(expr: string): string[] {
  return [...expr.matchAll(/\b(revoker_[a-z0-9_]+|process_[a-z0-9_]+|nodejs_[a-z0-9_]+)/g)].map((m) => {
    const name = m[1] as string;
    const base = name.replace(/_(bucket|sum|count)$/, '');
    return HISTOGRAMS.has(base) ? base : name;
  });
}

describe('the Grafana dashboard', () => {
  it('has queries, and every metric they name is one revoker exports', () => {
    expect(queries.length).toBeGreaterThan(10);
    for (const { panel, expr } of queries) {
      const names = metricsOf(expr);
      expect(names.length, `${panel}: "${expr}" names no metric`).toBeGreaterThan(0);
      for (const name of names) expect(EXPORTED.has(name), `${panel}: ${name} is not exported`).toBe(true);
      // Balanced brackets: a cut-off expression would only fail in Grafana.
      for (const [open, close] of ['()', '{}', '[]']) {
        expect(expr.split(open!).length, `${panel}: "${expr}" ${open}${close}`).toBe(
          expr.split(close!).length,
        );
      }
    }
  });

  it('groups only by labels the metrics have', () => {
    for (const { panel, expr } of queries) {
      for (const m of expr.matchAll(/\bby \(([^)]*)\)/g)) {
        for (const label of (m[1] as string).split(',').map((l) => l.trim())) {
          expect(LABELS.has(label), `${panel}: by ${label}`).toBe(true);
        }
      }
    }
  });

  it('shows what the issue asks for: outcomes, call rate against the limit, latency, dead letters, halts', () => {
    const all = queries.map((q) => q.expr).join('\n');
    for (const needed of [
      METRIC_NAMES.itemsTotal,
      METRIC_NAMES.vendorCallsTotal,
      METRIC_NAMES.accountRateLimitPerSecond,
      `${METRIC_NAMES.vendorCallDurationSeconds}_bucket`,
      METRIC_NAMES.deadLetterSize,
      METRIC_NAMES.accountHalted,
      METRIC_NAMES.queueJobs,
      METRIC_NAMES.rateLimitedSecondsTotal,
    ]) {
      expect(all, needed).toContain(needed);
    }
    expect(all).toMatch(/histogram_quantile\(0\.99,/);
    const rate = panels.find((p) => p.title.includes("against each account's limit"));
    expect(rate?.targets?.map((t) => metricsOf(t.expr)[0])).toEqual([
      METRIC_NAMES.vendorCallsTotal,
      METRIC_NAMES.accountRateLimitPerSecond,
    ]);
    expect(dashboard.uid).toBe('revoker-fleet');
  });
});
