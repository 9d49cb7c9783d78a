import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { RcaInput, RcaPoint, RcaSignal } from '../../src/core/analysis/rca/rca-types'

const fixtureSchema = z.object({
  description: z.string(),
  start: z.iso.datetime(),
  stepSeconds: z.number().positive(),
  alert: z.object({ node: z.string(), signal: z.enum(['latency', 'errors']), at: z.iso.datetime() }),
  expected: z.object({ first: z.string().optional(), note: z.string().optional(), status: z.string().optional() }),
  graph: z.array(z.object({ from: z.string(), to: z.string() })),
  series: z.record(z.string(), z.partialRecord(z.enum(['latency', 'errors', 'requests', 'saturation']), z.array(z.number().nullable()))),
})
export type RcaFixture = z.infer<typeof fixtureSchema>

export const FIXTURE_DIR = join(import.meta.dirname, '../fixtures/rca')

export function loadRcaFixture(name: string): RcaFixture {
  return fixtureSchema.parse(JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.json`), 'utf8')))
}

/** The fixture as ranking input; a `null` value becomes NaN, as a gap arrives from a CSV. */
export function fixtureInput(f: RcaFixture, overrides: Partial<RcaInput> = {}): RcaInput {
  const start = Date.parse(f.start)
  const series = new Map<string, Map<RcaSignal, RcaPoint[]>>()
  for (const [node, bySignal] of Object.entries(f.series)) {
    const m = new Map<RcaSignal, RcaPoint[]>()
    for (const [signal, values] of Object.entries(bySignal))
      m.set(
        signal as RcaSignal,
        (values ?? []).map((v, i) => ({ at: start + i * f.stepSeconds * 1000, value: v ?? NaN })),
      )
    series.set(node, m)
  }
  return { graph: f.graph, series, alert: { node: f.alert.node, signal: f.alert.signal, at: Date.parse(f.alert.at) }, ...overrides }
}
