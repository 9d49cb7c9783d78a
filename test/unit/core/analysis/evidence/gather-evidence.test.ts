import { afterEach, describe, expect, it, vi } from 'vitest'
import { describeAlertCondition } from '../../../../../src/core/analysis/evidence/alert-policy-evidence'
import { gatherEvidence } from '../../../../../src/core/analysis/evidence/gather-evidence'
import type { AlertPolicyQuery, AlertPolicySummary, TelemetryPort } from '../../../../../src/core/telemetry/port'
import { GcpConsoleLinks } from '../../../../../src/integrations/gcp/console-links'
import { GcpApiError } from '../../../../../src/integrations/gcp/gcp-errors'
import { ordersDbExhaustion } from '../../../../fakes/scripted-telemetry'

const now = new Date('2026-03-10T14:00:00Z')
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000)
const options = { service: 'orders-api', startedAt: minutesAgo(10), now }

type Method = 'metrics' | 'logs' | 'errors' | 'traces'
/** What a query of `method` about `service` does instead of answering: fail, or never answer. */
type Failure = (method: Method, service: string) => Error | 'hang' | null

/** The scripted orders fleet (orders-api calling orders-db), some of whose queries fail as told. */
function failing(fail: Failure, extra: Partial<Pick<TelemetryPort, 'alertPolicy' | 'links'>> = {}): TelemetryPort {
  const base = ordersDbExhaustion(minutesAgo(15))
  const guard =
    <Q extends { service: string }, R>(method: Method, run: (q: Q) => Promise<R>) =>
    (q: Q): Promise<R> => {
      const failure = fail(method, q.service)
      if (failure === 'hang') return new Promise<never>(() => undefined)
      if (failure) return Promise.reject(failure)
      return run(q)
    }
  return {
    name: 'flaky',
    services: () => base.services(),
    metrics: guard('metrics', (q) => base.metrics(q)),
    logs: guard('logs', (q) => base.logs(q)),
    errors: guard('errors', (q) => base.errors(q)),
    traces: guard('traces', (q) => base.traces(q)),
    ...extra,
  }
}

const quota = () => new GcpApiError('logging', 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Read requests'", true)

describe('gatherEvidence', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it("counts the service's warnings as read whole only when the provider says its limit did not cut the fetch", async () => {
    const base = ordersDbExhaustion(minutesAgo(15))
    const whole = await gatherEvidence(base, options)
    expect(whole.ownWarnings!.now.complete).toBe(true)
    const cutting: TelemetryPort = { ...failing(() => null), logs: async (q) => Object.assign(await base.logs(q), { cutShort: true }) }
    const cut = await gatherEvidence(cutting, options)
    expect(cut.ownWarnings!.now.complete).toBe(false)
    expect(cut.ownWarnings!.before!.complete).toBe(false)
  })

  describe('when a query fails', () => {
    it('keeps the services that answered, and the trail says which did not and why', async () => {
      const evidence = await gatherEvidence(
        failing((method, service) => (method === 'logs' && service === 'orders-db' ? quota() : null)),
        options,
      )
      expect(evidence.sourcesMissing).toEqual([])
      expect(evidence.sourcesAnswered).toEqual(['metrics', 'logs', 'errors', 'traces'])
      expect(evidence.sourcesPartial).toEqual([
        {
          source: 'logs',
          servicesAnswered: 1,
          servicesAsked: 2,
          failed: [{ service: 'orders-db', what: 'warnings', reason: "Cloud Logging: RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Read requests'" }],
          note: 'logs: 1 of 2 services answered; orders-db: RESOURCE_EXHAUSTED',
        },
      ])
      expect(evidence.logs.length).toBeGreaterThan(0)
      expect(evidence.logs.every((l) => l.service === 'orders-api')).toBe(true)
      const note = evidence.items.find((i) => i.title.startsWith('logs: '))
      expect(note).toMatchObject({
        source: 'logs',
        anomalous: false,
        detail: "orders-db warnings: Cloud Logging: RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Read requests'",
      })
    })

    it('counts a service none of whose metrics answered as not answered, and keeps the other service', async () => {
      const evidence = await gatherEvidence(
        failing((method, service) => (method === 'metrics' && service === 'orders-db' ? new Error('socket hang up') : null)),
        options,
      )
      expect(evidence.sourcesPartial.map((p) => p.note)).toEqual(['metrics: 1 of 2 services answered; orders-db: socket hang up'])
      expect(evidence.metrics.map((m) => m.service)).not.toContain('orders-db')
      expect(evidence.metrics.find((m) => m.metric === 'latency_p95_ms')).toMatchObject({ service: 'orders-api', anomalous: true })
    })

    it('lists the failing queries of a service that partly answered', async () => {
      let logsAsked = 0
      // The first logs query of orders-api is its warnings, the second its deploys.
      const telemetry = failing((method, service) =>
        method === 'logs' && service === 'orders-api' && ++logsAsked === 2 ? new GcpApiError('logging', 'UNAVAILABLE', 'try again', true) : null,
      )
      const evidence = await gatherEvidence(telemetry, options)
      expect(evidence.sourcesPartial.map((p) => p.note)).toEqual(['logs: 1 of 2 services answered; orders-api (deploy logs): UNAVAILABLE'])
    })

    it('reports a source missing only when none of its queries answered, with each distinct reason once', async () => {
      const evidence = await gatherEvidence(
        failing((method) => (method === 'errors' ? quota() : method === 'logs' ? new Error(`logs down`) : null)),
        options,
      )
      expect(evidence.sourcesMissing).toEqual([
        { source: 'logs', reason: 'logs down' },
        { source: 'errors', reason: "Cloud Logging: RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Read requests'" },
      ])
      expect(evidence.sourcesAnswered).toEqual(['metrics', 'traces'])
      expect(evidence.sourcesPartial).toEqual([])
    })

    it('counts a provider that throws instead of rejecting as that query failing', async () => {
      const telemetry = failing(() => null)
      const errors = telemetry.errors
      telemetry.errors = (q) => {
        if (q.service === 'orders-db') throw new Error('bad state')
        return errors(q)
      }
      const evidence = await gatherEvidence(telemetry, options)
      expect(evidence.sourcesPartial.map((p) => p.note)).toEqual(['errors: 1 of 2 services answered; orders-db: bad state'])
    })

    it('gives up on a query slower than the deadline and keeps the rest', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
      const gathering = gatherEvidence(
        failing((method, service) => (method === 'logs' && service === 'orders-db' ? 'hang' : null)),
        { ...options, deadlineMs: 2_000 },
      )
      await vi.advanceTimersByTimeAsync(2_000)
      const evidence = await gathering
      expect(evidence.sourcesPartial.map((p) => p.note)).toEqual(['logs: 1 of 2 services answered; orders-db: logs gave no answer within 2 s'])
    })
  })

  describe('when the dependency lookup fails', () => {
    it('examines the service alone and says why its dependencies are unknown', async () => {
      const telemetry: TelemetryPort = {
        ...failing(() => null),
        services: async () => {
          throw new GcpApiError('monitoring', 'UNAVAILABLE', 'connection reset', true)
        },
      }
      const evidence = await gatherEvidence(telemetry, options)
      expect(evidence.services).toEqual(['orders-api'])
      expect(evidence.dependencyLookupFailure).toBe('UNAVAILABLE')
      expect(evidence.sourcesAnswered).toEqual(['metrics', 'logs', 'errors', 'traces'])
    })

    it('gives up on a lookup slower than the deadline', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
      const telemetry: TelemetryPort = { ...failing(() => null), services: () => new Promise<never>(() => undefined) }
      const gathering = gatherEvidence(telemetry, { ...options, deadlineMs: 2_000 })
      await vi.advanceTimersByTimeAsync(2_000)
      const evidence = await gathering
      expect(evidence.services).toEqual(['orders-api'])
      expect(evidence.dependencyLookupFailure).toBe('the dependency lookup gave no answer within 2 s')
    })

    it('leaves nothing to report when the lookup answers', async () => {
      const evidence = await gatherEvidence(
        failing(() => null),
        options,
      )
      expect(evidence.services).toEqual(['orders-api', 'orders-db'])
      expect(evidence.dependencyLookupFailure).toBeNull()
    })
  })

  describe('the alert policy', () => {
    const policy: AlertPolicySummary = {
      name: 'projects/shop-prod/alertPolicies/987',
      displayName: 'orders latency',
      enabled: true,
      combiner: 'OR',
      conditions: [
        { displayName: 'p95 above 2 s', kind: 'threshold', filter: 'metric.type = "x"', comparison: '>', threshold: 2000, durationSeconds: 300 },
        { displayName: 'no traffic', kind: 'absence', filter: 'metric.type = "y"', comparison: null, threshold: null, durationSeconds: 600 },
      ],
      documentation: 'Check the pool first.\nThen the deploys.',
      userLabels: { team: 'orders' },
      severity: 'ERROR',
      notificationChannelCount: 1,
    }

    it('is asked for by the incident policy name and added to the evidence with a console link', async () => {
      const asked: AlertPolicyQuery[] = []
      const telemetry = failing(() => null, {
        alertPolicy: async (q) => {
          asked.push(q)
          return policy
        },
        links: new GcpConsoleLinks('shop-prod'),
      })
      const evidence = await gatherEvidence(telemetry, { ...options, policyName: ' orders latency ' })
      expect(asked).toEqual([{ policyName: 'orders latency' }])
      expect(evidence.alertPolicy).toEqual(policy)
      expect(evidence.items[0]).toEqual({
        source: 'metrics',
        title: 'Alert policy orders latency: p95 above 2 s (above 2000 for 5 min) or no traffic (no data for 10 min)',
        detail:
          'Filter: metric.type = "x"\nFilter: metric.type = "y"\nDocumentation: Check the pool first.\nseverity ERROR · labels team=orders · 1 notification channel',
        link: 'https://console.cloud.google.com/monitoring/alerting/policies/987?project=shop-prod',
        anomalous: false,
        data: expect.objectContaining({ policy: 'projects/shop-prod/alertPolicies/987', notificationChannelCount: 1 }),
      })
    })

    it('is not asked for without a policy name, and a provider without lookups is fine', async () => {
      const lookup = vi.fn(async () => policy)
      const without = await gatherEvidence(
        failing(() => null, { alertPolicy: lookup }),
        options,
      )
      expect(lookup).not.toHaveBeenCalled()
      expect(without.alertPolicy).toBeNull()
      const unsupported = await gatherEvidence(
        failing(() => null),
        { ...options, policyName: 'orders latency' },
      )
      expect(unsupported.alertPolicy).toBeNull()
      expect(unsupported.items.some((i) => i.title.startsWith('Alert policy'))).toBe(false)
    })

    it('adds nothing when no policy has the name, and says so when the lookup fails', async () => {
      const none = await gatherEvidence(
        failing(() => null, { alertPolicy: async () => null }),
        { ...options, policyName: 'HighCPU' },
      )
      expect(none.items.some((i) => i.title.startsWith('Alert policy'))).toBe(false)
      const denied = await gatherEvidence(
        failing(() => null, {
          alertPolicy: async () => {
            throw new GcpApiError('monitoring', 'PERMISSION_DENIED', 'denied', false)
          },
        }),
        { ...options, policyName: 'HighCPU' },
      )
      expect(denied.items.find((i) => i.title.startsWith('Alert policy'))).toMatchObject({
        title: 'Alert policy HighCPU: not read',
        detail: 'Cloud Monitoring: PERMISSION_DENIED: denied',
        link: null,
      })
      expect(denied.sourcesMissing).toEqual([])
    })

    it('describes each kind of condition', () => {
      const base = { displayName: 'c', filter: null, comparison: null, threshold: null, durationSeconds: null }
      expect(describeAlertCondition({ ...base, kind: 'threshold', comparison: '<=', threshold: 0.5, durationSeconds: 3600 })).toBe(
        'c (at or below 0.5 for 1 h)',
      )
      expect(describeAlertCondition({ ...base, kind: 'threshold', comparison: '>', threshold: 1, durationSeconds: 0 })).toBe('c (above 1)')
      expect(describeAlertCondition({ ...base, kind: 'log_match' })).toBe('c (log match)')
      expect(describeAlertCondition({ ...base, kind: 'promql', durationSeconds: 90 })).toBe('c (PromQL query for 90 s)')
      expect(describeAlertCondition({ ...base, kind: 'unknown' })).toBe('c')
    })
  })
})
