import type { GatheredEvidence } from './evidence/gathered-evidence'
import type { MetricFinding } from './evidence/assess-metric'
import { utcTime } from './scan/metric-warnings'

/** A candidate explanation; `playbookId` names the playbook that addresses it. */
export interface Hypothesis {
  id: string
  statement: string
  playbookId: string
  /** The service the remediation targets (the dependency, the database, ...). */
  target: string
  /** Telemetry support in [0,1]: 0 = contradicted or unseen, 1 = clearly shown. */
  support: number
  because: string[]
}

const has = (logs: GatheredEvidence['logs'], pattern: RegExp) => logs.filter((l) => pattern.test(l.message))

/** " since 14:02 UTC" when the anomaly detector dated the rise, so the trail shows which moved first. */
function since(f: MetricFinding): string {
  return f.anomalousSince ? ` since ${utcTime(f.anomalousSince)}` : ''
}

function finding(ev: GatheredEvidence, service: string, metric: MetricFinding['metric']) {
  return ev.metrics.find((m) => m.service === service && m.metric === metric)
}

/**
 * Reads the gathered telemetry for the signatures of common failure modes. Each
 * detector returns its hypothesis with how strongly the data supports it, so the
 * ones the data contradicts can be shown as discarded, with the reason.
 */
export function detectHypotheses(service: string, ev: GatheredEvidence): Hypothesis[] {
  const out: Hypothesis[] = []
  const deps = ev.services.filter((s) => s !== service)

  // Slow dependency: a dependency got slower and traces spend their time in it.
  for (const dep of deps) {
    const depLatency = finding(ev, dep, 'latency_p95_ms')
    const slowSpans = ev.traces.filter((t) => t.spans[0]?.service === dep).length
    const timeouts = has(ev.logs, new RegExp(`(timeout|timed out|deadline).*${dep}|${dep}.*(timeout|timed out|deadline)`, 'i'))
    const because: string[] = []
    let support = 0
    if (depLatency?.anomalous) {
      support += 0.45
      because.push(`${dep} p95 latency ${depLatency.ratio.toFixed(1)}× its baseline${since(depLatency)}`)
    }
    if (ev.traces.length && slowSpans / ev.traces.length >= 0.5) {
      support += 0.35
      because.push(`${slowSpans}/${ev.traces.length} slow traces spend most time in ${dep}`)
    }
    if (timeouts.length >= 3) {
      support += 0.2
      because.push(`${timeouts.length} timeout log lines naming ${dep}`)
    }
    if (dep.includes('db') || /sql|postgres/i.test(dep)) continue
    out.push({
      id: `slow-dependency:${dep}`,
      statement: `${service} is slow because its dependency ${dep} is slow`,
      playbookId: 'latency-slow-dependency',
      target: dep,
      support: Math.min(1, support),
      because,
    })
  }

  // Connection pool exhaustion on the service itself or on a database it uses.
  for (const s of ev.services) {
    const pool = finding(ev, s, 'db_connections_used_ratio')
    if (!pool) continue
    const poolLogs = has(ev.logs, /connection slots|acquir\w* connection|connection pool|too many connections|connection timeout|connection timed out/i)
    const because: string[] = []
    let support = 0
    if (pool.current >= 0.9) {
      support += 0.6
      because.push(`${s} connections at ${(pool.current * 100).toFixed(0)}% of max`)
    } else if (pool.anomalous) {
      support += 0.3
      because.push(`${s} connections ${pool.ratio.toFixed(1)}× baseline${since(pool)}`)
    }
    if (poolLogs.length >= 3) {
      support += 0.4
      because.push(`${poolLogs.length} log lines about exhausted or timed-out connections`)
    }
    out.push({
      id: `pool-exhaustion:${s}`,
      statement: `Connection pool exhaustion on ${s}`,
      playbookId: 'db-connection-exhaustion',
      target: s,
      support: Math.min(1, support),
      because,
    })
  }

  // Bad deploy: errors stepped up right after a rollout.
  const errorRate = finding(ev, service, 'error_rate')
  const deploys = has(ev.logs, /deploy(ed|ing)? revision|rollout|new revision/i)
  {
    const because: string[] = []
    let support = 0
    if (errorRate?.anomalous) {
      support += 0.5
      because.push(`error rate ${errorRate.ratio.toFixed(1)}× baseline${since(errorRate)}`)
    }
    if (deploys.length) {
      support += 0.5
      because.push(`deploy in the window: "${deploys[0]!.message.slice(0, 80)}"`)
    }
    out.push({
      id: `bad-deploy:${service}`,
      statement: `A recent deploy of ${service} introduced errors`,
      playbookId: 'deploy-5xx-rollback',
      target: service,
      support: deploys.length ? support : Math.min(support, 0.3),
      because,
    })
  }

  // Memory leak leading to OOM kills.
  const memory = finding(ev, service, 'memory_utilization')
  if (memory) {
    const oom = has(ev.logs, /oom|out of memory|memory limit/i)
    const because: string[] = []
    let support = 0
    if (memory.current >= 0.9) {
      support += 0.6
      because.push(`memory at ${(memory.current * 100).toFixed(0)}%`)
    }
    if (oom.length) {
      support += 0.4
      because.push(`${oom.length} OOM log lines`)
    }
    out.push({
      id: `memory-leak:${service}`,
      statement: `${service} is leaking memory towards OOM kills`,
      playbookId: 'memory-leak-oom',
      target: service,
      support: Math.min(1, support),
      because,
    })
  }

  // Quota exhaustion on a Google API.
  const quota = ev.services.map((s) => finding(ev, s, 'quota_used_ratio')).find((q) => q && q.current >= 0.95)
  const exhausted = has(ev.logs, /RESOURCE_EXHAUSTED|quota exceeded|rate limit/i)
  if (quota || exhausted.length) {
    const because = [
      quota ? `${quota.service} quota at ${(quota.current * 100).toFixed(0)}%` : '',
      exhausted.length ? `${exhausted.length} RESOURCE_EXHAUSTED log lines` : '',
    ].filter(Boolean)
    out.push({
      id: `quota:${quota?.service ?? service}`,
      statement: `A quota is exhausted for ${quota?.service ?? service}`,
      playbookId: 'quota-exhaustion',
      target: quota?.service ?? service,
      support: Math.min(1, (quota ? 0.6 : 0) + (exhausted.length ? 0.4 : 0)),
      because,
    })
  }

  return out.sort((a, b) => b.support - a.support)
}
