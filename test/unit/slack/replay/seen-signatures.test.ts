import { describe, expect, it } from 'vitest'
import { createLogger } from '../../../../src/logger'
import { judgeSignedRequest, SLACK_REQUEST_WINDOW_SECONDS } from '../../../../src/slack/replay/refuse-replays'
import { MemorySeenSignatures } from '../../../../src/slack/replay/seen-signatures'

const logger = createLogger('silent')

describe('MemorySeenSignatures', () => {
  it('says a signature is new once, then a repeat until its time is up', async () => {
    let now = 1_000_000
    const seen = new MemorySeenSignatures(() => now)

    expect(await seen.markSeen('v0=a', 60_000)).toBe(true)
    expect(await seen.markSeen('v0=a', 60_000)).toBe(false)
    expect(await seen.markSeen('v0=b', 60_000)).toBe(true)
    now += 60_000
    expect(await seen.markSeen('v0=a', 60_000)).toBe(true)
  })
})

describe('judgeSignedRequest', () => {
  const nowMs = 1_700_000_000_000
  const nowSec = nowMs / 1000

  it('refuses a timestamp more than 5 minutes ahead, and serves one just inside', async () => {
    const [seen, local] = [new MemorySeenSignatures(() => nowMs), new MemorySeenSignatures(() => nowMs)]
    const ahead = (s: number) => judgeSignedRequest(`v0=${s}`, nowSec + s, seen, local, nowMs, logger)

    expect(await ahead(SLACK_REQUEST_WINDOW_SECONDS + 1)).toEqual({ ok: false, reason: 'future_timestamp' })
    expect(await ahead(SLACK_REQUEST_WINDOW_SECONDS)).toEqual({ ok: true })
  })

  it('refuses a signature another replica served (the shared store knows it, this replica does not)', async () => {
    const shared = new MemorySeenSignatures(() => nowMs)
    const judgeOn = (local: MemorySeenSignatures) => judgeSignedRequest('v0=y', nowSec, shared, local, nowMs, logger)

    expect(await judgeOn(new MemorySeenSignatures(() => nowMs))).toEqual({ ok: true })
    expect(await judgeOn(new MemorySeenSignatures(() => nowMs))).toEqual({ ok: false, reason: 'replayed' })
  })

  it('remembers a signature until its timestamp has left the window, so a replay at the window edge is still refused', async () => {
    let now = nowMs
    const [seen, local] = [new MemorySeenSignatures(() => now), new MemorySeenSignatures(() => now)]
    const judge = () => judgeSignedRequest('v0=x', nowSec, seen, local, now, logger)

    expect(await judge()).toEqual({ ok: true })
    now = nowMs + SLACK_REQUEST_WINDOW_SECONDS * 1000
    expect(await judge()).toEqual({ ok: false, reason: 'replayed' })
  })
})
