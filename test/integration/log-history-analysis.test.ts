import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import type { LogEntry } from '../../src/core/telemetry/port'
import { FAKE_WORKSPACE, FakeSlackApi } from '../../src/embedded/slack-simulator'
import { createLogger } from '../../src/logger'
import { createRuntime, type Runtime } from '../../src/runtime'
import { getAnalysisRecord, getLatestAnalysis, type EvidenceItemRow } from '../../src/storage/repositories/analyses'
import { createIncident, updateIncident } from '../../src/storage/repositories/incidents'
import { getLogTemplateHistory } from '../../src/storage/repositories/log-templates'
import { processIncidentAnalyze } from '../../src/workers/processors/incident-analyze'
import { ScriptedTelemetry } from '../fakes/scripted-telemetry'
import { createTestDatabase, type TestDatabase } from '../support/test-database'

const MINUTE = 60_000
const DAY = 86_400_000
/** The first incident starts at 14:10 UTC; the second a day later at the same time. */
const firstStart = new Date('2026-03-10T14:10:00Z')
const secondStart = new Date(firstStart.getTime() + DAY)
const firstDeploy = new Date(firstStart.getTime() - 8 * MINUTE)

/** payment-api: a cache-miss warning every 10 minutes all along; a NullPointerException after the deploy before each incident (5 a minute the second time). */
function paymentLogs(window: { start: Date; end: Date }): LogEntry[] {
  const lines: LogEntry[] = []
  const from = Math.ceil(window.start.getTime() / MINUTE) * MINUTE
  for (let t = from; t <= window.end.getTime(); t += MINUTE) {
    const at = new Date(t)
    if ((t / MINUTE) % 10 === 0) lines.push({ at, service: 'payment-api', severity: 'WARNING', message: `cache miss for key user:${(t / MINUTE) % 977}` })
    const failing = (start: Date, perMinute: number) => (t >= start.getTime() - 7 * MINUTE && t <= start.getTime() + 10 * MINUTE ? perMinute : 0)
    const failures = failing(firstStart, 1) + failing(secondStart, 5)
    for (let i = 0; i < failures; i++)
      lines.push({
        at,
        service: 'payment-api',
        severity: 'ERROR',
        message: `payment ${(t / MINUTE) % 10_000}${i} failed: NullPointerException in CardTokenizer.tokenize`,
      })
    if (t === firstDeploy.getTime())
      lines.push({ at, service: 'payment-api', severity: 'INFO', message: 'Deployed revision payment-api-v42 to production; traffic 100% → v42' })
  }
  return lines
}

describe('log history in the live analysis (Postgres)', () => {
  const slack = new FakeSlackApi({ channels: [{ id: FAKE_WORKSPACE.channelId, name: FAKE_WORKSPACE.channelName }] })
  let database: TestDatabase
  let runtime: Runtime
  let now = new Date(firstStart.getTime() + 10 * MINUTE)

  beforeAll(async () => {
    database = await createTestDatabase()
    const { apiUrl } = await slack.start()
    const config = loadConfig({
      DATABASE_URL: database.url,
      SLACK_BOT_TOKEN: FAKE_WORKSPACE.botToken,
      SLACK_API_URL: apiUrl,
      INCIDENT_CHANNEL: FAKE_WORKSPACE.channelId,
      PLAYBOOKS_DIR: 'test/fixtures/playbooks',
    })
    const telemetry = new ScriptedTelemetry({ 'payment-api': { metrics: { latency_p95_ms: () => 300, error_rate: () => 0.01 }, logs: paymentLogs } })
    runtime = await createRuntime(config, createLogger('silent'), { telemetry, now: () => now, slackRetries: 0 })
  })

  afterAll(async () => {
    await runtime?.close()
    await slack.stop()
    await database?.drop()
  })

  async function analyse(title: string, startedAt: Date): Promise<{ id: string; number: number; logEvidence: EvidenceItemRow[] }> {
    const incident = await createIncident(runtime.database.db, {
      fingerprint: `log-history-${title}`,
      source: 'generic',
      severity: 'high',
      title,
      service: 'payment-api',
      startedAt,
    })
    await processIncidentAnalyze(runtime.deps, { incidentId: incident.id })
    const record = await getAnalysisRecord(runtime.database.db, (await getLatestAnalysis(runtime.database.db, incident.id))!.id)
    return { id: incident.id, number: incident.number, logEvidence: record!.evidence.filter((e) => e.source === 'logs' || e.source === 'errors') }
  }

  it('names the new pattern of the first incident after the deploy, and stores the templates it saw', async () => {
    const first = await analyse('payment-api failing payments', firstStart)
    const titles = first.logEvidence.map((e) => e.title)
    expect(titles).toContain('New log pattern on payment-api since the deploy at 14:02 UTC')
    expect(titles.some((t) => t.startsWith('Same error as'))).toBe(false)
    const stored = await getLogTemplateHistory(runtime.database.db, 'payment-api', { start: new Date(firstStart.getTime() - DAY), end: secondStart }, 100)
    expect(stored.templates.map((t) => t.template).sort()).toEqual([
      'cache miss for key user:<*>',
      'payment <*> failed: NullPointerException in CardTokenizer.tokenize',
    ])
    expect(stored.observedBuckets.length).toBeGreaterThanOrEqual(12)
    await updateIncident(runtime.database.db, first.id, {
      status: 'resolved',
      resolvedAt: new Date(firstStart.getTime() + 30 * MINUTE),
      resolution: 'rolled back to payment-api-v41',
      resolutionOutcome: 'worked',
    })
  })

  it('a day later, knows the pattern from storage: a surge against the stored baseline, and the same error as the first incident', async () => {
    now = new Date(secondStart.getTime() + 10 * MINUTE)
    const second = await analyse('payment-api failing payments again', secondStart)
    const titles = second.logEvidence.map((e) => e.title)
    expect(titles.some((t) => t.startsWith('New log pattern'))).toBe(false)
    const surge = second.logEvidence.find((e) => /^Log pattern on payment-api at \d+× its baseline$/.test(e.title))
    expect(surge?.data).toMatchObject({
      kind: 'surge',
      template: 'payment <*> failed: NullPointerException in CardTokenizer.tokenize',
      baseline: { kind: 'same-hours', days: 1 },
    })
    expect(titles).toContain(
      'Same error as INC-1: payment <*> failed: NullPointerException in CardTokenizer.tokenize (resolved by rolled back to payment-api-v41)',
    )
  })

  it('re-running the second analysis changes neither the stored counts nor what it finds', async () => {
    const range = { start: new Date(firstStart.getTime() - DAY), end: new Date(secondStart.getTime() + DAY) }
    const before = await getLogTemplateHistory(runtime.database.db, 'payment-api', range, 100)
    const again = await analyse('payment-api failing payments again (re-run)', secondStart)
    const after = await getLogTemplateHistory(runtime.database.db, 'payment-api', range, 100)
    expect(after).toEqual(before)
    expect(again.logEvidence.some((e) => e.title.startsWith('Same error as INC-1'))).toBe(true)
    // The twin of the second incident started at the same time, so it is not "earlier" than it.
    expect(again.logEvidence.some((e) => e.title.includes('INC-2'))).toBe(false)
  })
})
