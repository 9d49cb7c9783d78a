/**
 * How fast the blueprint discovers the fleet's dependencies from sampled traces. On the synthetic
 * fleet, whose true topology is known (its declared calls), each hour a refresh samples N whole
 * traces of that hour (as blueprint.refresh does through the telemetry port) and derives edges; the
 * edges discovered so far are compared with the truth: precision, recall, and the hours it takes to
 * find them all, for several sample sizes, averaged over seeds.
 * Run: npm run bench:blueprint -- [--hours 24] [--samples 3,10,30,100,300] [--seeds 5]
 */
import { parseArgs } from 'node:util'
import { declaredEdges } from '../src/core/blueprint/blueprint-from-traces'
import { deriveEdges, edgeKey } from '../src/core/blueprint/derive-edges'
import { HOUR_MS } from '../src/core/durations'
import { SyntheticTelemetry } from '../src/integrations/telemetry/synthetic'

const { values: flags } = parseArgs({
  options: {
    hours: { type: 'string', default: '24' },
    samples: { type: 'string', default: '3,10,30,100,300' },
    seeds: { type: 'string', default: '5' },
  },
})
const HOURS = Number(flags.hours)
const SAMPLES = flags.samples.split(',').map(Number)
const SEEDS = Number(flags.seeds)
const START = Date.parse('2026-03-09T00:00:00Z')
const REPORTED_HOURS = [1, 2, 3, 6, 12, 24].filter((h) => h <= HOURS)

interface Run {
  precision: number[]
  recall: number[]
  hoursToAll: number | null
  msPerRefresh: number
}

async function measure(seed: number, sample: number): Promise<Run> {
  const fleet = new SyntheticTelemetry({ seed })
  const truth = new Set(declaredEdges(await fleet.services()).map((e) => edgeKey(e.from, e.to)))
  const found = new Set<string>()
  const run: Run = { precision: [], recall: [], hoursToAll: null, msPerRefresh: 0 }
  let spent = 0
  for (let h = 0; h < HOURS; h++) {
    const start = new Date(START + h * HOUR_MS)
    const began = performance.now()
    const traces = await fleet.sampleTraces({ start, end: new Date(start.getTime() + HOUR_MS - 1), limit: sample })
    for (const e of deriveEdges(traces)) found.add(edgeKey(e.from, e.to))
    spent += performance.now() - began
    const right = [...found].filter((k) => truth.has(k)).length
    run.precision.push(found.size === 0 ? 1 : right / found.size)
    run.recall.push(right / truth.size)
    if (run.hoursToAll === null && right === truth.size) run.hoursToAll = h + 1
  }
  run.msPerRefresh = spent / HOURS
  return run
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const seeds = Array.from({ length: SEEDS }, (_, i) => i + 1)
const truthSize = declaredEdges(await new SyntheticTelemetry({ seed: 1 }).services()).length
console.log(`synthetic fleet: ${truthSize} true dependencies; one refresh an hour samples N whole traces of that hour; ${SEEDS} seeds, means`)
console.log(['traces/h'.padEnd(9), ...REPORTED_HOURS.map((h) => `P/R ${h} h`.padEnd(12)), 'all found after (h)'.padEnd(22), 'ms per refresh'].join(' '))
for (const sample of SAMPLES) {
  const runs = await Promise.all(seeds.map((seed) => measure(seed, sample)))
  const cells = REPORTED_HOURS.map((h) => {
    const p = mean(runs.map((r) => r.precision[h - 1]!))
    const r = mean(runs.map((r) => r.recall[h - 1]!))
    return `${p.toFixed(2)}/${r.toFixed(2)}`.padEnd(12)
  })
  const hours = runs.map((r) => r.hoursToAll)
  const all = hours.every((h) => h !== null)
    ? `median ${median(hours as number[])}, max ${Math.max(...(hours as number[]))}`
    : `not within ${HOURS} h in ${hours.filter((h) => h === null).length} of ${SEEDS}`
  console.log([String(sample).padEnd(9), ...cells, all.padEnd(22), mean(runs.map((r) => r.msPerRefresh)).toFixed(1)].join(' '))
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}
