import { writeFile } from 'node:fs/promises'
import { extname } from 'node:path'
import type { BlueprintEdge } from '../core/blueprint/blueprint-edge'
import { blueprintFromTraces } from '../core/blueprint/blueprint-from-traces'
import { blueprintViewJson, buildBlueprintView, UnknownBlueprintServiceError } from '../core/blueprint/blueprint-view'
import { HOUR_MS } from '../core/durations'
import type { ServiceNode } from '../core/telemetry/port'
import { loadCommandConfig, readFlags, UsageError, type CliCommand } from './command'

const USAGE = `sre-agent blueprint --out <graph.png|graph.svg|graph.json> [--service <name>] [--from stored|traces] [--hours N]

Draws the service blueprint: who calls whom, with calls an hour and error rates; dashed edges
are declared (GCP_SERVICES_FILE, the synthetic fleet) but not seen in traces. --service highlights
a service and its neighbours. --from stored (the default when DATABASE_URL names a database) reads
what the blueprint.refresh job stored, merged with the declared topology; --from traces samples the
last --hours (default 1) of traces from TELEMETRY_PROVIDER now, without storing anything.`

/** Whole traces sampled for a picture drawn from traces (as one refresh reads). */
const TRACE_SAMPLE = 300

const command: CliCommand = {
  summary: 'draw the service blueprint as a picture (sre-agent blueprint --out graph.png|graph.svg|graph.json [--service s])',
  usage: USAGE,
  async run(args) {
    const flags = readFlags(args, { out: { required: true }, service: {}, from: {}, hours: { default: '1' } })
    const out = flags.out!
    const format = extname(out).toLowerCase()
    if (!['.png', '.svg', '.json'].includes(format)) throw new UsageError(`--out must end in .png, .svg or .json\n\n${USAGE}`)
    const hours = Number(flags.hours)
    if (!(hours > 0 && hours <= 24)) throw new UsageError('--hours must be a number of hours from 0 to 24')
    const config = loadCommandConfig('blueprint')
    if (!config) return 78 // EX_CONFIG
    const from = flags.from ?? (config.DATABASE_URL === 'pglite://memory' ? 'traces' : 'stored')
    if (from !== 'stored' && from !== 'traces') throw new UsageError('--from must be stored or traces')
    const now = new Date()
    const { telemetryFor } = await import('../runtime')
    const telemetry = await telemetryFor(config, now)
    let edges: BlueprintEdge[]
    if (from === 'traces') {
      if (config.TELEMETRY_PROVIDER === 'none') {
        process.stderr.write('sre-agent blueprint: --from traces needs TELEMETRY_PROVIDER=gcp or synthetic\n')
        return 78
      }
      edges = await blueprintFromTraces(telemetry, { now, windowMs: hours * HOUR_MS, limit: TRACE_SAMPLE })
    } else {
      const [{ openDatabase }, { listBlueprintEdges }] = await Promise.all([import('../storage/database'), import('../storage/repositories/blueprint-edges')])
      const handle = await openDatabase(config.DATABASE_URL, { poolSize: 1 })
      try {
        edges = await listBlueprintEdges(handle.db)
      } finally {
        await handle.close()
      }
      edges = withDeclared(edges, config.TELEMETRY_PROVIDER === 'none' ? [] : await telemetry.services())
    }
    let view: ReturnType<typeof buildBlueprintView>
    try {
      view = buildBlueprintView(edges, flags.service ?? null, now)
    } catch (err) {
      if (!(err instanceof UnknownBlueprintServiceError)) throw err
      process.stderr.write(`sre-agent blueprint: ${err.message}; it has ${err.known.join(', ') || 'no service yet'}\n`)
      return 1
    }
    if (format === '.json') await writeFile(out, `${JSON.stringify(blueprintViewJson(view), null, 2)}\n`)
    else {
      const { renderBlueprintSvg } = await import('../integrations/render/blueprint-svg')
      const svg = await renderBlueprintSvg(view)
      if (format === '.svg') await writeFile(out, svg)
      else await writeFile(out, (await import('../integrations/render/svg-to-png')).svgToPng(svg))
    }
    process.stdout.write(`${view.nodes.length} services, ${view.edges.length} dependencies (${from}) → ${out}\n`)
    return 0
  },
}
export default command

/** Stored edges plus declared ones the store does not hold yet (before the first refresh), as the analysis merges them. */
function withDeclared(stored: BlueprintEdge[], services: readonly ServiceNode[]): BlueprintEdge[] {
  const known = new Set(stored.map((e) => `${e.from}\u0000${e.to}`))
  const extra: BlueprintEdge[] = []
  for (const s of services)
    for (const to of s.dependsOn)
      if (!known.has(`${s.name}\u0000${to}`))
        extra.push({
          from: s.name,
          to,
          kind: 'call',
          source: 'declared',
          firstSeen: null,
          lastSeen: null,
          callsPerHour: null,
          errorRate: null,
          p95Ms: null,
          version: 0,
          retiredAt: null,
        })
  return [...stored, ...extra]
}
