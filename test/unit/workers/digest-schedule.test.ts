import { afterEach, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../../src/config'
import { createLogger } from '../../../src/logger'
import { applyDigestSchedule } from '../../../src/workers/digest-schedule'
import { InProcessJobQueue } from '../../../src/workers/in-process-queue'
import { handlersDoingNothing } from '../../support/job-handlers'

const MINUTE = 60_000
const logger = createLogger('silent')

describe('the weekly digest in embedded mode (in-process jobs)', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('runs at the minute DIGEST_CRON names on the DIGEST_TIMEZONE clock, once, and not when off', async () => {
    vi.useFakeTimers()
    // Monday 7 Dec 2026, 08:58:30 UTC = 09:58:30 in Paris: "0 10 * * 1" there is 90 s away.
    vi.setSystemTime(new Date('2026-12-07T08:58:30Z'))
    const runs: Array<{ at: string; data: unknown }> = []
    const queue = new InProcessJobQueue(logger)
    queue.attach(handlersDoingNothing({ 'digest.post': async (data) => void runs.push({ at: new Date().toISOString(), data }) }))
    const config = { DIGEST_CRON: '0 10 * * 1', DIGEST_TIMEZONE: 'Europe/Paris', DIGEST_CHANNEL: undefined, INCIDENT_CHANNEL: 'C0INC' }
    expect(await applyDigestSchedule(queue, config, logger)).toBe(true)
    await vi.advanceTimersByTimeAsync(MINUTE)
    expect(runs).toEqual([])
    await vi.advanceTimersByTimeAsync(3 * MINUTE)
    expect(runs).toHaveLength(1)
    expect(runs[0]!.at.slice(0, 16)).toBe('2026-12-07T09:00')
    expect(runs[0]!.data).toEqual({})
    await vi.advanceTimersByTimeAsync(60 * MINUTE)
    expect(runs).toHaveLength(1)
    expect(await applyDigestSchedule(queue, { ...config, DIGEST_CRON: 'off' }, logger)).toBe(false)
    await queue.close()
  })

  it('reads an empty DIGEST_CRON as off and refuses a pattern or a time zone it cannot read', () => {
    expect(loadConfig({ DIGEST_CRON: '' }).DIGEST_CRON).toBe('off')
    expect(loadConfig({}).DIGEST_CRON).toBe('0 9 * * 1')
    expect(() => loadConfig({ DIGEST_CRON: '0 9 * *' })).toThrow(/DIGEST_CRON: .*five fields/)
    expect(() => loadConfig({ DIGEST_TIMEZONE: 'Mars/Olympus' })).toThrow(/DIGEST_TIMEZONE: must be an IANA time zone/)
  })
})
