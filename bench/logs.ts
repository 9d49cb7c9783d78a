/**
 * Throughput of the log-template miner (`LogTemplateMiner.add`) on real log messages: the
 * Content column of every Loghub-2k system under --dataset (14,000 messages from 7 systems).
 *
 * 1. per system: a fresh miner mines each system's 2,000 messages (a cold start per system).
 * 2. mixed stream: all messages, --repeat times, shuffled, with every digit redrawn so that
 *    numbers, ids and addresses differ as in live traffic; one fresh miner per run.
 *
 * Each scenario runs once unmeasured (JIT warm-up), then --runs times; it prints every run and
 * the median. Parameters are not extracted (they are computed only when read).
 * Run: npm run bench:logs -- [--dataset ../shared/datasets/loghub] [--runs 5] [--repeat 20] [--seed 7]
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseCsvRecords } from '../src/core/csv-text'
import { LogTemplateMiner } from '../src/core/analysis/logs/log-template-miner'

const GOAL_LINES_PER_SECOND = 100_000

const { values: flags } = parseArgs({
  options: {
    dataset: { type: 'string', default: '../shared/datasets/loghub' },
    runs: { type: 'string', default: '5' },
    repeat: { type: 'string', default: '20' },
    seed: { type: 'string', default: '7' },
  },
})
const RUNS = positiveInt('runs', flags.runs)
const REPEAT = positiveInt('repeat', flags.repeat)
const SEED = positiveInt('seed', flags.seed)

const systems = await readSystems(flags.dataset)
const total = systems.reduce((n, s) => n + s.messages.length, 0)
process.stdout.write(`log-template miner throughput on ${systems.length} Loghub-2k systems (${total} messages): ${systems.map((s) => s.name).join(', ')}\n`)
process.stdout.write(`node ${process.version}, ${RUNS} measured runs per scenario after one warm-up run\n\n`)

const perSystem = measure(() => {
  for (const s of systems) {
    const miner = new LogTemplateMiner()
    for (const m of s.messages) miner.add(m)
  }
  return total
})
report('per system, fresh miner each', perSystem)

const stream = mixedStream(
  systems.flatMap((s) => s.messages),
  REPEAT,
  SEED,
)
let templates = 0
const mixed = measure(() => {
  const miner = new LogTemplateMiner()
  for (const m of stream) miner.add(m)
  templates = miner.templates().length
  return stream.length
})
report(`mixed stream of ${stream.length} messages (digits redrawn), ${templates} templates`, mixed)

const worst = Math.min(median(perSystem), median(mixed))
process.stdout.write(`\ngoal ≥ ${GOAL_LINES_PER_SECOND} lines/s: ${worst >= GOAL_LINES_PER_SECOND ? 'met' : 'NOT met'} (lower median ${Math.round(worst)})\n`)

function measure(work: () => number): number[] {
  work()
  const rates: number[] = []
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now()
    const lines = work()
    rates.push(lines / ((performance.now() - started) / 1000))
  }
  return rates
}

function report(label: string, rates: number[]): void {
  process.stdout.write(`${label}\n  runs: ${rates.map((r) => Math.round(r)).join(', ')} lines/s\n  median: ${Math.round(median(rates))} lines/s\n`)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

async function readSystems(dataset: string): Promise<Array<{ name: string; messages: string[] }>> {
  const names = (
    await readdir(dataset).catch(() => {
      throw new Error(`cannot read --dataset ${dataset} (expected <System>/<System>_2k.log_structured_corrected.csv inside)`)
    })
  ).sort()
  const systems: Array<{ name: string; messages: string[] }> = []
  for (const name of names) {
    const text = await readFile(join(dataset, name, `${name}_2k.log_structured_corrected.csv`), 'utf8').catch(() => null)
    if (text !== null) systems.push({ name, messages: parseCsvRecords(text).records.map((r) => r.Content ?? '') })
  }
  if (systems.length === 0) throw new Error(`no <System>/<System>_2k.log_structured_corrected.csv under ${dataset}`)
  return systems
}

/** The messages `repeat` times in a seeded shuffle, each digit redrawn. */
function mixedStream(messages: string[], repeat: number, seed: number): string[] {
  let state = seed >>> 0
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const out: string[] = []
  for (let r = 0; r < repeat; r++) for (const m of messages) out.push(m.replace(/\d/g, () => String(Math.floor(random() * 10))))
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

function positiveInt(name: string, value: string): number {
  const n = Number.parseInt(value, 10)
  if (!(n > 0)) throw new Error(`--${name} must be a positive whole number, got ${JSON.stringify(value)}`)
  return n
}
