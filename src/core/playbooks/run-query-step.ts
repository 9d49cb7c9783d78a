import { compare, formatMetricValue, summarize } from '../analysis/series-stats'
import type { EvidenceItem } from '../analysis/evidence'
import type { TelemetryPort } from '../telemetry/port'
import { parseDuration, renderTemplate } from './render-template'
import type { QueryStep } from './schema'

export interface QueryStepOutcome {
  passed: boolean
  value: number
  summary: string
  evidence: EvidenceItem
}

/** Runs one read-only query step against telemetry and decides its assertion. */
export async function runQueryStep(
  step: QueryStep,
  ctx: { telemetry: TelemetryPort; service: string; startedAt: Date; now: Date; vars: Record<string, unknown> },
): Promise<QueryStepOutcome> {
  const service = step.service ? renderTemplate(step.service, ctx.vars) : ctx.service
  const start = new Date(Math.min(ctx.startedAt.getTime(), ctx.now.getTime()) - parseDuration(step.window))
  const window = { start, end: ctx.now }
  let value: number
  let unit = ''
  let link: string | null = null
  let sample: string[] = []
  switch (step.source) {
    case 'metrics': {
      const series = await ctx.telemetry.metrics({ service, metric: step.metric!, ...window, stepSeconds: 60 })
      const stats = summarize(series.points.map((p) => p.value))
      value = step.assert.stat === 'count' ? stats.count : stats[step.assert.stat]
      unit = series.unit
      link = ctx.telemetry.links?.metric({ service, metric: step.metric!, ...window }) ?? null
      break
    }
    case 'logs': {
      const entries = await ctx.telemetry.logs({ service, ...window, contains: step.contains, minSeverity: step.minSeverity, limit: 1000 })
      value = entries.length
      sample = entries.slice(0, 3).map((e) => `${e.severity} ${e.message.slice(0, 160)}`)
      link = ctx.telemetry.links?.logs({ services: [service], contains: step.contains, ...window }) ?? null
      break
    }
    case 'errors': {
      const groups = await ctx.telemetry.errors({ service, ...window })
      value = groups.reduce((s, g) => s + g.count, 0)
      sample = groups.slice(0, 3).map((g) => `${g.count}× ${g.message.slice(0, 160)}`)
      break
    }
    case 'traces': {
      const traces = await ctx.telemetry.traces({ service, ...window, limit: 50 })
      const latencies = traces.map((t) => t.latencyMs)
      const stats = summarize(latencies)
      value = step.assert.stat === 'count' ? traces.length : stats[step.assert.stat]
      unit = 'ms'
      sample = traces.slice(0, 3).map((t) => `${formatMetricValue(t.latencyMs, 'ms')}, slowest span ${t.spans[0]?.service ?? '?'}`)
      break
    }
  }
  const passed = Number.isFinite(value) && compare(value, step.assert.op, step.assert.value)
  const shown = step.assert.stat === 'count' ? String(value) : formatMetricValue(value, unit)
  const summary = `${step.assert.stat} = ${shown} → ${passed ? 'yes' : 'no'}, ${step.assert.description}`
  return {
    passed,
    value,
    summary,
    evidence: {
      source: step.source,
      title: renderTemplate(step.title, ctx.vars),
      detail: [summary, ...sample].join('\n'),
      link,
      anomalous: passed,
      data: { service, value },
    },
  }
}
