import { afterEach, describe, expect, it, vi } from 'vitest'
import type { MetricWarning } from '../../../src/core/analysis/scan/metric-warnings'
import { findBlockKitViolations } from '../../../src/embedded/slack-simulator'
import { MemoryWarningClaims } from '../../../src/integrations/claims/memory-warning-claims'
import { createLogger } from '../../../src/logger'
import { buildTelemetryWarningMessage, WARNING_NOT_USEFUL_ACTION_ID, WARNING_USEFUL_ACTION_ID } from '../../../src/slack/blocks/telemetry-warning-blocks'
import { InProcessJobQueue } from '../../../src/workers/in-process-queue'
import { applyTelemetryScanSchedule } from '../../../src/workers/telemetry-scan-schedule'
import { handlersDoingNothing } from '../../support/job-handlers'
import { HISTORY_PRUNE_EVERY_MS, startBackgroundJobs } from '../../../src/workers/start-background-jobs'

const MINUTE = 60_000
const logger = createLogger('silent')

function queueCountingScans() {
  const runs: string[] = []
  const queue = new InProcessJobQueue(logger)
  const handlers = handlersDoingNothing({
    'telemetry.scan': async (_d, meta) => {
      runs.push(meta.jobId)
    },
  })
  queue.attach(handlers)
  return { queue, runs }
}
const scanConfig = {
  TELEMETRY_SCAN_INTERVAL_MINUTES: 5,
  TELEMETRY_PROVIDER: 'synthetic' as const,
  TELEMETRY_WARNING_CHANNEL: undefined,
  INCIDENT_CHANNEL: 'C0INCIDENTS',
}

describe('the telemetry scan in embedded mode', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('runs on a timer every interval, once per schedule id, until it is turned off', async () => {
    vi.useFakeTimers()
    const { queue, runs } = queueCountingScans()
    expect(await applyTelemetryScanSchedule(queue, scanConfig, logger)).toBe(true)
    expect(await applyTelemetryScanSchedule(queue, scanConfig, logger)).toBe(true)
    await vi.advanceTimersByTimeAsync(4 * MINUTE)
    expect(runs).toEqual([])
    await vi.advanceTimersByTimeAsync(11 * MINUTE)
    expect(runs).toHaveLength(3)
    expect(new Set(runs).size).toBe(3)
    expect(await applyTelemetryScanSchedule(queue, { ...scanConfig, TELEMETRY_SCAN_INTERVAL_MINUTES: 0 }, logger)).toBe(false)
    await vi.advanceTimersByTimeAsync(30 * MINUTE)
    expect(runs).toHaveLength(3)
    await queue.close()
  })

  it('starts, with the scan, the hourly prune of log statistics and the re-embedding of history', async () => {
    vi.useFakeTimers()
    const ran: string[] = []
    const queue = new InProcessJobQueue(logger)
    queue.attach(
      handlersDoingNothing({
        'telemetry.scan': async () => {
          ran.push('scan')
        },
        'history.prune': async () => {
          ran.push('prune')
        },
        'history.reembed': async () => {
          ran.push('reembed')
        },
      }),
    )
    await startBackgroundJobs(
      queue,
      { ...scanConfig, LOG_TEMPLATE_RETENTION_DAYS: 14, BLUEPRINT_INTERVAL_MINUTES: 0, DIGEST_CRON: 'off', DIGEST_TIMEZONE: 'UTC' },
      logger,
      'local-hashing-v2',
      new Date(),
    )
    await vi.advanceTimersByTimeAsync(HISTORY_PRUNE_EVERY_MS)
    // Once at start, then every hour.
    expect(ran.filter((r) => r === 'prune')).toHaveLength(2)
    expect(ran.filter((r) => r === 'scan')).toHaveLength(12)
    expect(ran).toContain('reembed')
    await queue.close()
  })

  it('is off without telemetry or a channel to warn in', async () => {
    const { queue } = queueCountingScans()
    expect(await applyTelemetryScanSchedule(queue, { ...scanConfig, TELEMETRY_PROVIDER: 'none' }, logger)).toBe(false)
    expect(await applyTelemetryScanSchedule(queue, { ...scanConfig, INCIDENT_CHANNEL: undefined }, logger)).toBe(false)
    await queue.close()
  })

  it('claims a slot for one holder until the cooldown ends; the same holder may claim again', async () => {
    let now = 0
    const claims = new MemoryWarningClaims(() => now)
    expect(await claims.claim('checkout-db:memory_utilization', 'job-1', 60 * MINUTE)).toBe(true)
    expect(await claims.claim('checkout-db:memory_utilization', 'job-1', 60 * MINUTE)).toBe(true)
    expect(await claims.claim('checkout-db:memory_utilization', 'job-2', 60 * MINUTE)).toBe(false)
    expect(await claims.claim('checkout-db:disk_used_ratio', 'job-2', 60 * MINUTE)).toBe(true)
    now = 60 * MINUTE
    expect(await claims.claim('checkout-db:memory_utilization', 'job-2', 60 * MINUTE)).toBe(true)
  })
})

describe('buildTelemetryWarningMessage', () => {
  const anomaly = (i: number): MetricWarning => ({
    kind: 'anomaly',
    service: `svc-${i}`,
    metric: 'latency_p95_ms',
    unit: 'ms',
    onsetAt: new Date(Date.UTC(2026, 2, 10, 14, i)),
    lastAt: new Date(Date.UTC(2026, 2, 10, 14, 30)),
    score: 1,
    signal: 'out-of-range',
    points: 5,
    value: 900,
    valueBefore: 120,
  })
  const saturation: MetricWarning = {
    kind: 'saturation',
    service: 'checkout-db',
    metric: 'db_connections_used_ratio',
    unit: 'ratio',
    level: 0.78,
    risePerMinute: 0.02,
    minutesToFull: 11,
    fullAt: new Date(Date.UTC(2026, 2, 10, 14, 41)),
  }

  it('puts forecasts first, then anomalies by onset, each with its chart, as valid Block Kit', () => {
    const views = [anomaly(7), saturation, anomaly(2)].map((warning) => ({
      warning,
      consoleLink: `https://console.cloud.google.com/monitoring/metrics-explorer?project=p&x=${warning.service}`,
    }))
    const message = buildTelemetryWarningMessage(views, 60)
    expect(message.text).toBe('Warning: checkout-db connections at 78%, rising 2%/min: full in ~11 min (14:41 UTC) (and 2 more)')
    const lines = JSON.stringify(message.blocks)
    expect(lines.indexOf('checkout-db connections')).toBeLessThan(lines.indexOf('svc-2 latency_p95_ms anomalous since 14:02 UTC'))
    expect(lines.indexOf('svc-2 latency_p95_ms')).toBeLessThan(lines.indexOf('svc-7 latency_p95_ms'))
    expect(lines).toContain('x=svc-7|chart>')
    expect(findBlockKitViolations(message.blocks)).toEqual([])
    const buttons = message.blocks!.find((b) => b.type === 'actions')
    expect(buttons).toMatchObject({
      elements: [
        { action_id: WARNING_USEFUL_ACTION_ID, text: { text: 'Useful' } },
        { action_id: WARNING_NOT_USEFUL_ACTION_ID, text: { text: 'Not useful' } },
      ],
    })
  })

  it('summarises a fleet-wide failure instead of passing Slack limits', () => {
    const message = buildTelemetryWarningMessage(
      Array.from({ length: 60 }, (_, i) => ({ warning: anomaly(i % 60), consoleLink: 'https://console.cloud.google.com/x' })),
      60,
    )
    expect(findBlockKitViolations(message.blocks)).toEqual([])
    expect(JSON.stringify(message.blocks)).toContain('and 40 more: svc-20 latency_p95_ms')
  })
})
