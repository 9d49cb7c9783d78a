import { describe, expect, it } from 'vitest'
import { fullJitterDelay, retryWithBackoff, type BackoffPolicy, type RetryEnvironment } from '../../../../../src/integrations/gcp/quota/retry-with-backoff'

const policy: BackoffPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 }

/** A clock that only moves when the code under test sleeps, and a fixed "random". */
function virtualTime(random = 0.5): RetryEnvironment & { slept: number[] } {
  let now = 0
  const slept: number[] = []
  return {
    slept,
    now: () => now,
    random: () => random,
    sleep: async (ms) => {
      slept.push(ms)
      now += ms
    },
  }
}

class Overloaded extends Error {
  constructor(readonly retryDelayMs: number | null = null) {
    super('overloaded')
  }
}
const decide = (err: unknown) => (err instanceof Overloaded ? { retry: true, retryDelayMs: err.retryDelayMs } : { retry: false, retryDelayMs: null })

function failing(times: number, error: () => Error): { attempts: number; run: () => Promise<string> } {
  const state = {
    attempts: 0,
    run: async () => {
      state.attempts++
      if (state.attempts <= times) throw error()
      return 'ok'
    },
  }
  return state
}

describe('retryWithBackoff', () => {
  it('waits a full-jitter delay, growing exponentially up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((i) => fullJitterDelay(i, policy, () => 0.999999))).toEqual([100, 200, 400, 800, 1000, 1000].map((d) => d * 0.999999))
    expect(fullJitterDelay(3, policy, () => 0)).toBe(0)
  })

  it('retries a retryable failure until it succeeds', async () => {
    const env = virtualTime(0.5)
    const op = failing(2, () => new Overloaded())
    await expect(retryWithBackoff(op.run, decide, { policy, deadlineAt: 10_000, env })).resolves.toBe('ok')
    expect(op.attempts).toBe(3)
    expect(env.slept).toEqual([50, 100])
  })

  it('waits at least the delay the API asked for, with the jitter on top', async () => {
    const env = virtualTime(0.5)
    const op = failing(1, () => new Overloaded(1_500))
    await retryWithBackoff(op.run, decide, { policy, deadlineAt: 10_000, env })
    expect(env.slept).toEqual([1_550])
  })

  it('gives up after the last attempt and throws the last error', async () => {
    const env = virtualTime()
    const op = failing(10, () => new Overloaded())
    await expect(retryWithBackoff(op.run, decide, { policy, deadlineAt: 10_000, env })).rejects.toBeInstanceOf(Overloaded)
    expect(op.attempts).toBe(4)
  })

  it('does not start a wait that would end past the deadline', async () => {
    const env = virtualTime()
    const op = failing(10, () => new Overloaded(5_000))
    await expect(retryWithBackoff(op.run, decide, { policy, deadlineAt: 2_000, env })).rejects.toBeInstanceOf(Overloaded)
    expect(op.attempts).toBe(1)
    expect(env.slept).toEqual([])
  })

  it('does not retry what retrying cannot fix', async () => {
    const env = virtualTime()
    const op = failing(1, () => new Error('bad filter'))
    await expect(retryWithBackoff(op.run, decide, { policy, deadlineAt: 10_000, env })).rejects.toThrow('bad filter')
    expect(op.attempts).toBe(1)
  })

  it('tells the caller about each retry before waiting', async () => {
    const env = virtualTime(0)
    const seen: Array<number | null> = []
    const op = failing(2, () => new Overloaded(300))
    await retryWithBackoff(op.run, decide, {
      policy,
      deadlineAt: 10_000,
      env,
      onRetry: (_e, _d, decision) => {
        seen.push(decision.retryDelayMs)
      },
    })
    expect(seen).toEqual([300, 300])
  })
})
