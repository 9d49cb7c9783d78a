import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { TelemetryQueryError } from '../../../src/core/telemetry/port'
import { GcpApiError, GcpResponseInvalidError } from '../../../src/integrations/gcp/gcp-errors'
import type { RetryEnvironment } from '../../../src/integrations/gcp/quota/retry-with-backoff'
import { buildAlertPolicy } from '../../fakes/gcp/fake-data-builders'
import { useFakeGcp } from '../../fakes/gcp/gcp-telemetry-harness'

const POLICY = 'projects/shop-prod/alertPolicies/1234567890'

describe('alert policies through AlertPolicyServiceClient', () => {
  const gcp = useFakeGcp({
    reset(fake) {
      fake.monitoring.controls.reset()
      fake.monitoring.alertPolicies = []
    },
  })
  // Backoff waits are cut short; jitter fixed at half.
  const env: RetryEnvironment = { now: Date.now, random: () => 0.5, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) }
  const telemetry = (options: { keyPrefix?: string } = {}) => gcp.telemetry({ gate: { env }, ...options })

  describe('by resource name (the condition name a notification carries)', () => {
    it('gets the policy the condition belongs to and summarises it', async () => {
      gcp.fake.monitoring.alertPolicies = [buildAlertPolicy()]
      const policy = await telemetry().alertPolicy({ policyName: `${POLICY}/conditions/42` })
      expect(gcp.fake.monitoring.controls.callsTo('GetAlertPolicy').map((c) => c.request)).toEqual([{ name: POLICY }])
      expect(policy).toEqual({
        name: POLICY,
        displayName: 'payment-api p95 latency',
        enabled: true,
        combiner: 'OR',
        conditions: [
          {
            displayName: 'p95 latency above 2 s for 5 min',
            kind: 'threshold',
            filter: 'metric.type = "istio.io/service/server/response_latencies" AND resource.labels.container_name = "payment-api"',
            comparison: '>',
            threshold: 2000,
            durationSeconds: 300,
          },
        ],
        documentation: 'Runbook: https://runbooks.example.com/payment-latency',
        userLabels: { team: 'payments', service: 'payment-api' },
        severity: 'CRITICAL',
        notificationChannelCount: 2,
      })
    })

    it('summarises absence, log-match and query conditions, and a policy switched off', async () => {
      gcp.fake.monitoring.alertPolicies = [
        buildAlertPolicy({
          enabled: { value: false },
          combiner: 'AND',
          severity: undefined,
          notificationChannels: [],
          documentation: { content: 'Call the DB on-call. DB_PASSWORD=hunter2 is in the vault.' },
          conditions: [
            { displayName: 'no requests', conditionAbsent: { filter: 'metric.type = "istio.io/service/server/request_count"', duration: { seconds: 600 } } },
            { displayName: 'pool errors in logs', conditionMatchedLog: { filter: 'severity>=ERROR AND textPayload:"pool exhausted"' } },
            {
              displayName: 'promql burn rate',
              conditionPrometheusQueryLanguage: { query: 'sum(rate(errors[5m])) > 0.1', duration: { seconds: 120, nanos: 500_000_000 } },
            },
          ],
        }),
      ]
      const policy = await telemetry().alertPolicy({ policyName: POLICY })
      expect(policy).toMatchObject({ enabled: false, combiner: 'AND', severity: null, notificationChannelCount: 0, userLabels: { team: 'payments' } })
      expect(policy!.documentation).toBe('Call the DB on-call. DB_PASSWORD=[redacted] is in the vault.')
      expect(policy!.conditions).toEqual([
        {
          displayName: 'no requests',
          kind: 'absence',
          filter: 'metric.type = "istio.io/service/server/request_count"',
          comparison: null,
          threshold: null,
          durationSeconds: 600,
        },
        {
          displayName: 'pool errors in logs',
          kind: 'log_match',
          filter: 'severity>=ERROR AND textPayload:"pool exhausted"',
          comparison: null,
          threshold: null,
          durationSeconds: null,
        },
        { displayName: 'promql burn rate', kind: 'promql', filter: 'sum(rate(errors[5m])) > 0.1', comparison: null, threshold: null, durationSeconds: 120.5 },
      ])
    })

    it('answers null for a policy deleted since it fired', async () => {
      expect(await telemetry().alertPolicy({ policyName: 'projects/shop-prod/alertPolicies/404' })).toBeNull()
      expect(gcp.fake.monitoring.controls.callsTo('GetAlertPolicy')).toHaveLength(1)
    })

    it('refuses a malformed resource name without calling the API', async () => {
      const err = await telemetry()
        .alertPolicy({ policyName: 'projects/shop-prod/alertPolicies/12/../../metricDescriptors' })
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(TelemetryQueryError)
      expect((err as Error).message).toMatch(/^alert policy name "projects\/shop-prod\/alertPolicies\/12\/\.\.\/\.\.\/metricDescriptors" is malformed/)
      await expect(telemetry().alertPolicy({ policyName: '  ' })).rejects.toThrow(/alert policy name is empty/)
      expect(gcp.fake.monitoring.controls.calls).toHaveLength(0)
    })
  })

  describe('by display name (policy_name of a notification)', () => {
    it('lists with a display_name filter and prefers the enabled policy of that name', async () => {
      gcp.fake.monitoring.alertPolicies = [
        buildAlertPolicy({ name: 'projects/shop-prod/alertPolicies/1', enabled: { value: false } }),
        buildAlertPolicy({ name: 'projects/shop-prod/alertPolicies/2' }),
        buildAlertPolicy({ name: 'projects/shop-prod/alertPolicies/3', displayName: 'checkout-db connections' }),
        buildAlertPolicy({ name: 'projects/other-project/alertPolicies/4' }),
      ]
      const policy = await telemetry().alertPolicy({ policyName: 'payment-api p95 latency' })
      expect(gcp.fake.monitoring.controls.callsTo('ListAlertPolicies').map((c) => c.request)).toEqual([
        { name: 'projects/shop-prod', filter: 'display_name = "payment-api p95 latency"', pageSize: 10 },
      ])
      expect(policy).toMatchObject({ name: 'projects/shop-prod/alertPolicies/2', enabled: true })
    })

    it('quotes the name, so a name with quotes finds its policy and cannot add a clause', async () => {
      const displayName = 'latency "p95" OR display_name = "x" \\ end'
      gcp.fake.monitoring.alertPolicies = [
        buildAlertPolicy({ displayName }),
        buildAlertPolicy({ name: 'projects/shop-prod/alertPolicies/9', displayName: 'x' }),
      ]
      const policy = await telemetry().alertPolicy({ policyName: displayName })
      expect((gcp.fake.monitoring.controls.callsTo('ListAlertPolicies')[0]!.request as { filter: string }).filter).toBe(
        'display_name = "latency \\"p95\\" OR display_name = \\"x\\" \\\\ end"',
      )
      expect(policy).toMatchObject({ name: POLICY, displayName })
    })

    it('answers null when no policy has the name', async () => {
      gcp.fake.monitoring.alertPolicies = [buildAlertPolicy()]
      expect(await telemetry().alertPolicy({ policyName: 'HighCPU' })).toBeNull()
    })
  })

  describe('quota, cache and errors', () => {
    it('asks the API once for identical lookups, across workers, and counts them against Cloud Monitoring', async () => {
      gcp.fake.monitoring.alertPolicies = [buildAlertPolicy()]
      gcp.fake.monitoring.controls.latencyMs = 100
      const keyPrefix = `test-gcp-alerts-${randomBytes(4).toString('hex')}`
      const [first, second] = [telemetry({ keyPrefix }), telemetry({ keyPrefix })]
      const answers = await Promise.all([first, second, first].map((t) => t.alertPolicy({ policyName: 'payment-api p95 latency' })))
      expect(answers.every((a) => a?.name === POLICY)).toBe(true)
      expect(gcp.fake.monitoring.controls.callsTo('ListAlertPolicies')).toHaveLength(1)
      await first.alertPolicy({ policyName: 'payment-api p95 latency' })
      expect(gcp.fake.monitoring.controls.callsTo('ListAlertPolicies')).toHaveLength(1)
      // Whichever worker took the lock made the one call; the other requests were answered without one.
      const [a, b] = [first.apiStats().monitoring, second.apiStats().monitoring]
      expect([a.requests, b.requests]).toEqual([3, 1])
      expect(a.calls + b.calls).toBe(1)
      expect(a.cacheHits + a.coalesced + b.cacheHits + b.coalesced).toBe(3)
    })

    it('retries RESOURCE_EXHAUSTED, then answers', async () => {
      gcp.fake.monitoring.alertPolicies = [buildAlertPolicy()]
      gcp.fake.monitoring.controls.failNext({ status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded for quota metric Read requests', retryDelayMs: 10 })
      const t = telemetry()
      expect(await t.alertPolicy({ policyName: POLICY })).toMatchObject({ name: POLICY })
      expect(t.apiStats().monitoring).toMatchObject({ calls: 2, retries: 1, refusedByApi: 1 })
    })

    it('reports a missing permission with its code, not as "no policy"', async () => {
      gcp.fake.monitoring.controls.failNext({
        status: 'PERMISSION_DENIED',
        message: 'Permission monitoring.alertPolicies.list denied (or the resource may not exist).',
      })
      const err = await telemetry()
        .alertPolicy({ policyName: 'payment-api p95 latency' })
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(GcpApiError)
      expect((err as GcpApiError).code).toBe('gcp_permission_denied')
      expect((err as Error).message).toBe(
        'Cloud Monitoring: PERMISSION_DENIED: Permission monitoring.alertPolicies.list denied (or the resource may not exist).',
      )
    })

    it('says which lookup the API rejected', async () => {
      gcp.fake.monitoring.controls.failNext({ status: 'INVALID_ARGUMENT', message: 'Filter is invalid' })
      const err = await telemetry()
        .alertPolicy({ policyName: 'payment-api p95 latency' })
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(TelemetryQueryError)
      expect((err as Error).message).toBe('Cloud Monitoring rejected listAlertPolicies filter display_name = "payment-api p95 latency": Filter is invalid')
    })

    it('reports an answer of an unexpected shape as invalid', async () => {
      gcp.fake.monitoring.alertPolicies = [buildAlertPolicy()]
      gcp.fake.monitoring.controls.answerMalformedNext(2)
      const byName = await telemetry()
        .alertPolicy({ policyName: POLICY })
        .catch((e: unknown) => e)
      expect(byName).toBeInstanceOf(GcpResponseInvalidError)
      expect((byName as Error).message).toMatch(/^Cloud Monitoring getAlertPolicy answered in an unexpected shape: name: must be an alert policy resource name/)
      const listed = await telemetry()
        .alertPolicy({ policyName: 'payment-api p95 latency' })
        .catch((e: unknown) => e)
      expect((listed as Error).message).toMatch(/^Cloud Monitoring listAlertPolicies answered in an unexpected shape: alertPolicies\.0\.name/)
    })
  })
})
