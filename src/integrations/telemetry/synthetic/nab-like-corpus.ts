import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../core/durations'
import type { MetricKind } from '../../../core/telemetry/port'
import { SYNTHETIC_FLEET } from './fleet'
import { FleetTopology } from './fleet-topology'
import { FleetMetricModel } from './metric-model'
import { resolveInjections } from './resolve-injections'
import { SeededRandom } from './seeded-random'

/** One labelled series in NAB's layout: `<category>/<name>.csv`, rows, and inclusive anomaly windows (epoch ms, on rows). */
export interface LabelledMetricSeries {
  path: string
  timestamps: number[]
  values: number[]
  windows: Array<{ start: number; end: number }>
  /** What was injected at each labelled onset, for the report. */
  anomalies: Array<{ at: number; kind: string }>
}

const STEP_MS = 5 * MINUTE_MS
const DAYS = 14
const POINTS = (DAYS * DAY_MS) / STEP_MS
/** Monday 2026-03-02 00:00 UTC. */
const START_MS = Date.UTC(2026, 2, 2)
/** NAB: the windows of a file share 10 % of its length, each centred on its anomaly. */
const WINDOW_SHARE = 0.1

type Family = 'cpu' | 'requests' | 'disk' | 'memory' | 'latency'
const FAMILY_METRIC: Record<Family, MetricKind> = {
  cpu: 'cpu_utilization',
  requests: 'request_rate',
  disk: 'disk_used_ratio',
  memory: 'memory_utilization',
  latency: 'latency_p95_ms',
}

interface Anomaly {
  kind: string
  /** Row of the onset. */
  at: number
  /** Rows it lasts. */
  length: number
  size: number
}

/**
 * Cloud-like series from the synthetic fleet's metric model (daily and weekly traffic cycles,
 * noise, slow drift, the weekly disk clean-up) at 5-minute steps over 14 days, one category per
 * metric family, each series with 0–2 labelled anomalies in NAB's format:
 * - cpu: routine deploys move the level by 3–8 % (not labelled); a bad deploy raises it 40–90 % for 2–8 h (labelled);
 * - requests: a burst (2.5–4× for 15–60 min) or a drop (to 20–50 % for 30–120 min);
 * - disk: a runaway writer fills 10–25 % of the disk over 3–9 h until it is cleaned up;
 * - memory: the fleet's memory-leak injection (climb to the limit, OOM kill, again) for 2–6 h;
 * - latency: a slow spell (p95 ×2–4 for 20–90 min); the model's own lone spikes (0.4 % of minutes) are not labelled.
 * Deterministic in `seed`; anomalies start after the first 20 % of the series (NAB's probation is 15 %).
 */
export function generateNabLikeCorpus(seed: number): LabelledMetricSeries[] {
  const topology = new FleetTopology(SYNTHETIC_FLEET)
  const healthy = new FleetMetricModel(seed, topology, [])
  const corpus: LabelledMetricSeries[] = []
  for (const family of Object.keys(FAMILY_METRIC) as Family[]) {
    const metric = FAMILY_METRIC[family]
    for (const service of SYNTHETIC_FLEET) {
      if (metric !== 'latency_p95_ms' && service.baselines[metric as Exclude<MetricKind, 'latency_p95_ms'>] === undefined) continue
      const random = new SeededRandom(seed, family.length, service.name.length, service.name.charCodeAt(0), service.name.charCodeAt(1))
      const anomalies = drawAnomalies(family, random)
      const timestamps = Array.from({ length: POINTS }, (_, i) => START_MS + i * STEP_MS)
      let model = healthy
      const leak = anomalies.find((a) => a.kind === 'memory-leak')
      if (leak) {
        const injections = anomalies.map((a) => ({
          kind: 'memory-leak' as const,
          service: service.name,
          start: new Date(timestamps[a.at]!),
          end: new Date(timestamps[Math.min(POINTS - 1, a.at + a.length)]!),
        }))
        model = new FleetMetricModel(seed, topology, resolveInjections(topology, injections, seed))
      }
      const deploys = family === 'cpu' ? drawDeploys(random) : []
      const values = timestamps.map((t, i) => shape(family, model.value(service.name, metric, t), i, anomalies, deploys))
      const windows = anomalies.map((a) => {
        const half = Math.floor((WINDOW_SHARE * POINTS) / anomalies.length / 2)
        return { start: timestamps[Math.max(0, a.at - half)]!, end: timestamps[Math.min(POINTS - 1, a.at + half)]! }
      })
      corpus.push({
        path: `synthetic${family[0]!.toUpperCase()}${family.slice(1)}/${service.name}_${metric}.csv`,
        timestamps,
        values,
        windows,
        anomalies: anomalies.map((a) => ({ at: timestamps[a.at]!, kind: a.kind })),
      })
    }
  }
  return corpus
}

function drawAnomalies(family: Family, random: SeededRandom): Anomaly[] {
  const count = random.pick([0, 1, 1, 2])
  const anomalies: Anomaly[] = []
  for (let k = 0; k < count; k++) {
    // Two anomalies fall in different halves of the scored part, so their windows never overlap.
    const from = count === 2 ? [0.2, 0.6][k]! : 0.2
    const to = count === 2 ? [0.55, 0.92][k]! : 0.92
    const at = Math.floor(random.between(from, to) * POINTS)
    const rows = (minMs: number, maxMs: number) => Math.round(random.between(minMs, maxMs) / STEP_MS)
    switch (family) {
      case 'cpu':
        anomalies.push({ kind: 'bad-deploy', at, length: rows(2 * HOUR_MS, 8 * HOUR_MS), size: random.between(0.4, 0.9) })
        break
      case 'requests':
        anomalies.push(
          random.chance(0.5)
            ? { kind: 'burst', at, length: rows(15 * MINUTE_MS, 60 * MINUTE_MS), size: random.between(2.5, 4) }
            : { kind: 'drop', at, length: rows(30 * MINUTE_MS, 120 * MINUTE_MS), size: random.between(0.2, 0.5) },
        )
        break
      case 'disk':
        anomalies.push({ kind: 'runaway-writer', at, length: rows(3 * HOUR_MS, 9 * HOUR_MS), size: random.between(0.1, 0.25) })
        break
      case 'memory':
        anomalies.push({ kind: 'memory-leak', at, length: rows(2 * HOUR_MS, 6 * HOUR_MS), size: 1 })
        break
      case 'latency':
        anomalies.push({ kind: 'slow-spell', at, length: rows(20 * MINUTE_MS, 90 * MINUTE_MS), size: random.between(2, 4) })
        break
    }
  }
  return anomalies
}

/** Routine deploys: (row, relative level change) a few times a week. */
function drawDeploys(random: SeededRandom): Array<{ at: number; change: number }> {
  const count = random.int(2, 5)
  return Array.from({ length: count }, () => ({
    at: Math.floor(random.between(0.05, 0.95) * POINTS),
    change: (random.chance(0.5) ? 1 : -1) * random.between(0.03, 0.08),
  }))
}

function shape(family: Family, base: number, row: number, anomalies: readonly Anomaly[], deploys: ReadonlyArray<{ at: number; change: number }>): number {
  let value = base
  for (const d of deploys) if (row >= d.at) value *= 1 + d.change
  for (const a of anomalies) {
    const inside = row >= a.at && row < a.at + a.length
    if (family === 'cpu' && inside) value = Math.min(1, value * (1 + a.size))
    if (family === 'requests' && inside) value *= a.size
    if (family === 'latency' && inside) value *= a.size
    // The runaway writer's files stay until the weekly clean-up; modelled as staying until the end of its spell, then removed.
    if (family === 'disk' && inside) value = Math.min(1, value + (a.size * (row - a.at)) / a.length)
  }
  return family === 'cpu' || family === 'disk' || family === 'memory' ? Math.round(value * 10_000) / 10_000 : Math.round(value * 100) / 100
}
