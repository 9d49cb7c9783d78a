import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { HOUR_MS, MINUTE_MS } from '../src/core/durations'
import type { ErrorGroupStats, LogEntry, TraceSummary } from '../src/core/telemetry/port'
import { createDemoFleet, DEFAULT_SYNTHETIC_SEED, METRIC_UNITS, SyntheticTelemetry } from '../src/integrations/telemetry/synthetic'
import { generatePastIncidents } from '../src/storage/seed/synthetic-past-incidents'

const USAGE = `Writes the synthetic fleet's telemetry and incident history to a folder.

Usage: node --import tsx scripts/generate-synthetic-data.ts [options]
  --seed <int>        seed of the fleet and the history (default ${DEFAULT_SYNTHETIC_SEED})
  --out <dir>         output folder (default synthetic-data)
  --from <iso>        window start (default: 6 hours before --to)
  --to <iso>          window end, and "now" for the demo scenario (default: now, to the minute)
  --step <seconds>    metric step (default 60)
  --scenario <name>   demo (the two demo injections, relative to --to) or none (default demo)
  --incidents <n>     past incidents to generate (default 60)

Files: metrics/<service>.csv (one column per exported metric; units in manifest.json), logs.jsonl (oldest first), error-groups.json,
traces.jsonl (oldest first), past-incidents.jsonl, manifest.json.`

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s))

const argsSchema = z
  .object({
    seed: z.coerce.number().int().default(DEFAULT_SYNTHETIC_SEED),
    out: z.string().min(1).default('synthetic-data'),
    from: isoDate.optional(),
    to: isoDate.optional(),
    step: z.coerce.number().positive().default(60),
    scenario: z.enum(['demo', 'none']).default('demo'),
    incidents: z.coerce.number().int().min(0).default(60),
  })
  .transform((args) => {
    const to = args.to ?? new Date(Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS)
    const from = args.from ?? new Date(to.getTime() - 6 * HOUR_MS)
    return { ...args, from, to }
  })
  .refine((args) => args.from <= args.to, { message: 'must not be after --to', path: ['from'] })

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      out: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      step: { type: 'string' },
      scenario: { type: 'string' },
      incidents: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const parsed = argsSchema.safeParse(values)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`--${issue.path.join('.')}: ${issue.message}`)
    console.error(`\n${USAGE}`)
    return 2
  }
  const args = parsed.data
  const telemetry = args.scenario === 'demo' ? createDemoFleet(args.to, args.seed) : new SyntheticTelemetry({ seed: args.seed })
  const window = { start: args.from, end: args.to }
  const out = resolve(args.out)
  mkdirSync(join(out, 'metrics'), { recursive: true })

  const services = await telemetry.services()
  const logs: LogEntry[] = []
  const errorGroups: ErrorGroupStats[] = []
  const traces: TraceSummary[] = []
  for (const { name } of services) {
    writeFileSync(join(out, 'metrics', `${name}.csv`), await metricsCsv(telemetry, name, window, args.step))
    logs.push(...(await telemetry.logs({ service: name, ...window, limit: Number.MAX_SAFE_INTEGER })))
    errorGroups.push(...(await telemetry.errors({ service: name, ...window })))
    traces.push(...(await telemetry.traces({ service: name, ...window, limit: Number.MAX_SAFE_INTEGER })))
  }
  logs.sort((a, b) => a.at.getTime() - b.at.getTime())
  traces.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
  const incidents = generatePastIncidents({ seed: args.seed, count: args.incidents, now: args.to })

  writeFileSync(join(out, 'logs.jsonl'), jsonLines(logs))
  writeFileSync(join(out, 'error-groups.json'), `${JSON.stringify(errorGroups, null, 2)}\n`)
  writeFileSync(join(out, 'traces.jsonl'), jsonLines(traces))
  writeFileSync(join(out, 'past-incidents.jsonl'), jsonLines(incidents))
  const manifest = {
    generator: 'scripts/generate-synthetic-data.ts',
    seed: args.seed,
    scenario: args.scenario,
    window: { from: args.from.toISOString(), to: args.to.toISOString(), stepSeconds: args.step },
    units: METRIC_UNITS,
    injections: telemetry.injections,
    services,
    counts: { logs: logs.length, errorGroups: errorGroups.length, traces: traces.length, pastIncidents: incidents.length },
  }
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)

  console.log(`wrote ${out}`)
  console.log(`  window ${manifest.window.from} → ${manifest.window.to}, step ${args.step}s, seed ${args.seed}, scenario ${args.scenario}`)
  console.log(
    `  metrics/ ${services.length} services; logs ${logs.length}; error groups ${errorGroups.length}; traces ${traces.length}; past incidents ${incidents.length}`,
  )
  return 0
}

async function metricsCsv(telemetry: SyntheticTelemetry, service: string, window: { start: Date; end: Date }, stepSeconds: number): Promise<string> {
  const metrics = telemetry.exportedMetrics(service)
  const series = await Promise.all(metrics.map((metric) => telemetry.metrics({ service, metric, ...window, stepSeconds })))
  const rows = [['timestamp', ...metrics].join(',')]
  const length = series[0]?.points.length ?? 0
  for (let i = 0; i < length; i++) {
    rows.push([series[0]!.points[i]!.at.toISOString(), ...series.map((s) => String(s.points[i]?.value ?? ''))].join(','))
  }
  return `${rows.join('\n')}\n`
}

function jsonLines(items: readonly unknown[]): string {
  return items.map((item) => JSON.stringify(item)).join('\n') + (items.length ? '\n' : '')
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err))
    process.exitCode = 1
  },
)
