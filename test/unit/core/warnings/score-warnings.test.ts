import { beforeAll, describe, expect, it } from 'vitest'
import type { MetricWarning } from '../../../../src/core/analysis/scan/metric-warnings'
import { scanFleetMetrics } from '../../../../src/core/analysis/scan/scan-fleet-metrics'
import type { MetricKind, ServiceNode } from '../../../../src/core/telemetry/port'
import {
  ANOMALY_HORIZON_MINUTES,
  servicesCoveredBy,
  warningRecord,
  type ScoredIncident,
  type ScoredWarning,
} from '../../../../src/core/warnings/proactive-warning'
import { confirmingIncident, decideWarning, hasRecovered, type WarningDecision } from '../../../../src/core/warnings/score-warning'
import { forewarningOf, warningAccuracy } from '../../../../src/core/warnings/warning-accuracy'
import { describeForewarning } from '../../../../src/core/warnings/forewarning-evidence'
import { warningStatsText } from '../../../../src/core/warnings/warning-stats-text'
import { SyntheticTelemetry } from '../../../../src/integrations/telemetry/synthetic'

const MINUTE = 60_000
const WEEK1 = Date.parse('2026-03-02T00:00:00Z')
/** Day `day` (0 = Monday 2 March 2026) at hh:mm UTC. */
const at = (day: number, hh: number, mm = 0) => new Date(WEEK1 + day * 24 * 60 * MINUTE + (hh * 60 + mm) * MINUTE)
const FORECAST_HORIZON = 30

// Week 1 has four failures; week 2 (days 7 to 13) is healthy.
const fleet = new SyntheticTelemetry({
  seed: 7,
  injections: [
    { kind: 'connection-pool-exhaustion', service: 'checkout-db', start: at(0, 10), end: at(0, 10, 30) },
    { kind: 'memory-leak', service: 'inventory', start: at(1, 14), end: at(1, 15, 30) },
    { kind: 'slow-dependency', service: 'payment-api', dependency: 'fraud-check', start: at(2, 14), end: at(2, 14, 20) },
    { kind: 'bad-deploy', service: 'cart', start: at(3, 9) },
  ],
})

/** The incidents the alerts opened: on a caller of checkout-db, on inventory itself, and one in the healthy week no scan saw coming. */
const incidents: ScoredIncident[] = [
  { id: 'i1', number: 1, service: 'checkout-api', startedAt: at(0, 10, 15) },
  { id: 'i2', number: 2, service: 'inventory', startedAt: at(1, 14, 34) },
  { id: 'i3', number: 3, service: 'cart', startedAt: at(9, 11) },
]

let graph: ServiceNode[]

/** What the scan at `now` warns of on one series, as the scan job stores it. */
async function warningOf(now: Date, service: string, metric: MetricKind, kind: MetricWarning['kind'], id: string): Promise<ScoredWarning> {
  const scan = await scanFleetMetrics(fleet, { now, recentMinutes: 6, horizonMinutes: FORECAST_HORIZON })
  const found = scan.warnings.find((w) => w.service === service && w.metric === metric && w.kind === kind)
  if (!found) throw new Error(`the scan at ${now.toISOString()} did not warn of ${service} ${metric}`)
  const record = warningRecord(found, { warnedAt: now, graph, forecastHorizonMinutes: FORECAST_HORIZON })
  return { ...record, id, status: 'open', confirmedIncidentId: null, leadMinutes: null, mark: null }
}

/** The scoring job's decision at `now`: the metric re-read through the telemetry port when the horizon has passed. */
async function score(w: ScoredWarning, now: Date): Promise<WarningDecision> {
  const series = await fleet.metrics({ service: w.service, metric: w.metric, start: new Date(now.getTime() - 30 * MINUTE), end: now, stepSeconds: 60 })
  return decideWarning(w, incidents, now, hasRecovered(w, series.points, now))
}

function applied(w: ScoredWarning, d: WarningDecision): ScoredWarning {
  return d.status === 'confirmed'
    ? { ...w, status: 'confirmed', confirmedIncidentId: d.incidentId, leadMinutes: d.leadMinutes }
    : { ...w, status: d.status === 'false_alarm' ? 'false_alarm' : 'open' }
}

describe('scoring proactive warnings on the synthetic fleet', () => {
  let pool: ScoredWarning
  let leak: ScoredWarning
  let slow: ScoredWarning
  let deploy: ScoredWarning
  const scored: ScoredWarning[] = []

  beforeAll(async () => {
    graph = await fleet.services()
    pool = await warningOf(at(0, 10, 8), 'checkout-db', 'db_connections_used_ratio', 'anomaly', 'w-pool')
    leak = await warningOf(at(1, 14, 20), 'inventory', 'memory_utilization', 'saturation', 'w-leak')
    slow = await warningOf(at(2, 14, 8), 'payment-api', 'latency_p95_ms', 'anomaly', 'w-slow')
    deploy = await warningOf(at(3, 9, 8), 'cart', 'error_rate', 'anomaly', 'w-deploy')
  })

  it('covers the service and its direct callers only', () => {
    expect(servicesCoveredBy('checkout-db', graph)).toEqual(['checkout-db', 'checkout-api'])
    expect(servicesCoveredBy('cart', graph)).toEqual(['cart', 'checkout-api', 'frontend'])
    expect(pool.covers).toEqual(['checkout-db', 'checkout-api'])
    expect(pool.horizonMinutes).toBe(ANOMALY_HORIZON_MINUTES)
    expect(leak.horizonMinutes).toBe(FORECAST_HORIZON)
    expect(leak.onsetAt).toEqual(at(1, 14, 20))
  })

  it('confirms a warning by an incident on a caller within the horizon, lead counted from the message', async () => {
    const d = await score(pool, at(0, 10, 20))
    expect(d).toEqual({ status: 'confirmed', incidentId: 'i1', leadMinutes: 7 })
    scored.push(applied(pool, d))
  })

  it('confirms a saturation forecast by the incident on the service itself', async () => {
    const d = await score(leak, at(1, 15))
    expect(d).toEqual({ status: 'confirmed', incidentId: 'i2', leadMinutes: 14 })
    scored.push(applied(leak, d))
  })

  it('keeps a warning open until its horizon ends, then calls it a false alarm once the metric recovered', async () => {
    expect(await score(slow, at(2, 14, 30))).toEqual({ status: 'open', awaiting: 'horizon' })
    // Fraud-check recovered at 14:20; the horizon ends an hour after the onset.
    const d = await score(slow, at(2, 15, 10))
    expect(d).toEqual({ status: 'false_alarm' })
    scored.push(applied(slow, d))
  })

  it('leaves a warning open while its metric has not recovered, even past the horizon', async () => {
    const d = await score(deploy, at(3, 11))
    expect(d).toEqual({ status: 'open', awaiting: 'recovery' })
    scored.push(applied(deploy, d))
  })

  it('gives no warning in the healthy week', async () => {
    for (const now of [at(7, 3), at(8, 12, 30), at(10, 15), at(12, 21, 45)]) {
      const scan = await scanFleetMetrics(fleet, { now, recentMinutes: 6, horizonMinutes: FORECAST_HORIZON })
      expect(scan.warnings, now.toISOString()).toEqual([])
    }
  })

  it('computes the figures of the two weeks as counted by hand', () => {
    const stats = warningAccuracy({ since: at(0, 0), until: at(14, 0), warnings: scored, incidents })
    expect(stats).toMatchObject({
      warnings: 4,
      confirmed: 2,
      falseAlarms: 1,
      open: 1,
      precision: 2 / 3,
      incidents: 3,
      forewarned: 2,
      recall: 2 / 3,
      // Leads of 7 and 14 minutes.
      medianLeadMinutes: 10.5,
      falseAlarmsByService: [{ service: 'payment-api', falseAlarms: 1, perWeek: 0.5 }],
    })
    expect(stats.forewarnings.map((f) => [f.incidentNumber, f.warningId, f.leadMinutes])).toEqual([
      [1, 'w-pool', 7],
      [2, 'w-leak', 14],
    ])
    const text = warningStatsText(stats)
    expect(text).toContain('precision     66.7 % (2 of 3)')
    expect(text).toContain('recall        66.7 % (2 of 3)')
    expect(text).toContain('median lead   11 min')
    expect(text).toMatch(/payment-api\s+1\s+0\.50/)
    expect(text).toContain('INC-1  forewarned by the warning at 10:08 UTC (lead 7 min)')
  })

  it('says what it cannot compute in a week without warnings, and only counts watched services', () => {
    const healthy = warningAccuracy({ since: at(7, 0), until: at(14, 0), warnings: scored, incidents })
    expect(healthy).toMatchObject({ warnings: 0, precision: null, incidents: 1, forewarned: 0, recall: 0, medianLeadMinutes: null, falseAlarmsByService: [] })
    const unwatched = warningAccuracy({ since: at(7, 0), until: at(14, 0), warnings: scored, incidents, watched: new Set(['inventory']) })
    expect(unwatched).toMatchObject({ incidents: 0, recall: null })
    expect(warningStatsText(unwatched)).toContain('recall        n/a (0 of 0)')
  })
})

describe('the scoring rules', () => {
  const base: ScoredWarning = {
    id: 'w',
    service: 'checkout-db',
    metric: 'db_connections_used_ratio',
    kind: 'anomaly',
    onsetAt: at(0, 10),
    warnedAt: at(0, 10, 5),
    horizonMinutes: 60,
    covers: ['checkout-db', 'checkout-api'],
    level: 0.9,
    baseline: 0.5,
    status: 'open',
    confirmedIncidentId: null,
    leadMinutes: null,
    mark: null,
  }
  const incident = (id: string, service: string | null, startedAt: Date): ScoredIncident => ({ id, number: Number(id.slice(1)), service, startedAt })

  it('takes the first incident from the onset to the end of the horizon, both included, on a covered service', () => {
    const candidates = [
      incident('i1', 'checkout-db', at(0, 9, 59)),
      incident('i2', 'frontend', at(0, 10, 10)),
      incident('i3', null, at(0, 10, 10)),
      incident('i4', 'checkout-api', at(0, 11)),
      incident('i5', 'checkout-db', at(0, 11, 1)),
    ]
    expect(confirmingIncident(base, candidates)?.id).toBe('i4')
    expect(confirmingIncident(base, [incident('i6', 'checkout-db', at(0, 10)), ...candidates])?.id).toBe('i6')
  })

  it('confirms a warning posted after its incident began, with a negative lead, but does not count the incident as forewarned', () => {
    const early = incident('i7', 'checkout-db', at(0, 10, 2))
    expect(decideWarning(base, [early], at(0, 10, 30), null)).toEqual({ status: 'confirmed', incidentId: 'i7', leadMinutes: -3 })
    expect(forewarningOf(early, [base])).toBeNull()
    expect(describeForewarning({ warnedAt: at(0, 9, 12), leadMinutes: 23 })).toBe('forewarned by the warning at 09:12 UTC (lead 23 min)')
  })

  it('names the earliest warning that preceded an incident', () => {
    const later = { ...base, id: 'later', warnedAt: at(0, 10, 20) }
    expect(forewarningOf(incident('i8', 'checkout-api', at(0, 10, 30)), [later, base])).toMatchObject({ warningId: 'w', leadMinutes: 25 })
  })

  it('judges recovery from the median of the last 15 minutes against a quarter of the jump', () => {
    const flat = (value: number) => Array.from({ length: 20 }, (_, i) => ({ at: new Date(at(0, 12).getTime() - i * MINUTE), value }))
    // The jump was 0.5 → 0.9: back within the band at or below 0.6.
    expect(hasRecovered(base, flat(0.6), at(0, 12))).toBe(true)
    expect(hasRecovered(base, flat(0.61), at(0, 12))).toBe(false)
    expect(hasRecovered(base, [], at(0, 12))).toBeNull()
    const forecast = { ...base, kind: 'saturation' as const, baseline: null, horizonMinutes: 30 }
    expect(hasRecovered(forecast, flat(0.7), at(0, 12))).toBe(true)
    expect(hasRecovered(forecast, flat(1), at(0, 12))).toBe(false)
    // Still climbing 1 point a minute from 80 %: full within the horizon, not recovered.
    const climbing = Array.from({ length: 20 }, (_, i) => ({ at: new Date(at(0, 12).getTime() - i * MINUTE), value: 0.8 - 0.01 * i }))
    expect(hasRecovered(forecast, climbing, at(0, 12))).toBe(false)
  })

  it('counts the responders’ marks and spreads false alarms over the weeks of the period', () => {
    const warnings: ScoredWarning[] = [
      { ...base, id: 'a', status: 'false_alarm', mark: 'not_useful' },
      { ...base, id: 'b', status: 'false_alarm', service: 'cart' },
      { ...base, id: 'c', status: 'false_alarm', service: 'cart', mark: 'useful' },
    ]
    const stats = warningAccuracy({ since: at(0, 0), until: at(21, 0), warnings, incidents: [] })
    expect(stats.marks).toEqual({ useful: 1, notUseful: 1 })
    expect(stats.falseAlarmsByService).toEqual([
      { service: 'cart', falseAlarms: 2, perWeek: 2 / 3 },
      { service: 'checkout-db', falseAlarms: 1, perWeek: 1 / 3 },
    ])
    expect(stats.precision).toBe(0)
  })
})
