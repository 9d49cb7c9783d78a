import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger } from '../../../src/logger'
import { applyBlueprintRefreshSchedule } from '../../../src/workers/blueprint-refresh-schedule'
import { InProcessJobQueue } from '../../../src/workers/in-process-queue'
import { handlersDoingNothing } from '../../support/job-handlers'

const MINUTE = 60_000
const logger = createLogger('silent')

describe('the blueprint refresh in embedded mode (in-process jobs)', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('runs every BLUEPRINT_INTERVAL_MINUTES, once per schedule however often applied, and stops when off or without telemetry', async () => {
    vi.useFakeTimers()
    const runs: string[] = []
    const queue = new InProcessJobQueue(logger)
    queue.attach(handlersDoingNothing({ 'blueprint.refresh': async (_d, meta) => void runs.push(meta.jobId) }))
    const config = { BLUEPRINT_INTERVAL_MINUTES: 60, TELEMETRY_PROVIDER: 'synthetic' as const }
    expect(await applyBlueprintRefreshSchedule(queue, config, logger)).toBe(true)
    expect(await applyBlueprintRefreshSchedule(queue, config, logger)).toBe(true)
    await vi.advanceTimersByTimeAsync(59 * MINUTE)
    expect(runs).toEqual([])
    await vi.advanceTimersByTimeAsync(2 * 60 * MINUTE)
    expect(runs).toHaveLength(2)
    expect(await applyBlueprintRefreshSchedule(queue, { ...config, TELEMETRY_PROVIDER: 'none' }, logger)).toBe(false)
    await vi.advanceTimersByTimeAsync(3 * 60 * MINUTE)
    expect(runs).toHaveLength(2)
    expect(await applyBlueprintRefreshSchedule(queue, { ...config, BLUEPRINT_INTERVAL_MINUTES: 0 }, logger)).toBe(false)
    await queue.close()
  })
})
