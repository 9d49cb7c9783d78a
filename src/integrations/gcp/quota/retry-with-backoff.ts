export interface BackoffPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 4_000 }

export interface RetryDecision {
  retry: boolean
  /** The delay the API asked for (RetryInfo, Retry-After), when it named one. */
  retryDelayMs: number | null
}

export interface RetryEnvironment {
  now(): number
  sleep(ms: number): Promise<void>
  /** Uniform in [0, 1). */
  random(): number
}

/** "Full jitter": uniform between zero and the capped exponential, so retrying callers spread out. */
export function fullJitterDelay(retryIndex: number, policy: BackoffPolicy, random: () => number): number {
  return random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex)
}

/**
 * Runs `attempt` until it succeeds, the error is not retryable, attempts run out, or the next
 * wait would end past `deadlineAt`; then throws the last error. A delay the API asked for is
 * waited in full, with the jitter added on top so callers told the same delay do not return together.
 */
export async function retryWithBackoff<T>(
  attempt: (index: number) => Promise<T>,
  decide: (err: unknown) => RetryDecision,
  options: {
    policy: BackoffPolicy
    deadlineAt: number
    env: RetryEnvironment
    onRetry?: (err: unknown, delayMs: number, decision: RetryDecision) => Promise<void> | void
  },
): Promise<T> {
  const { policy, deadlineAt, env } = options
  for (let index = 0; ; index++) {
    try {
      return await attempt(index)
    } catch (err) {
      const decision = decide(err)
      if (!decision.retry || index + 1 >= policy.maxAttempts) throw err
      const jitter = fullJitterDelay(index, policy, env.random)
      const delayMs = decision.retryDelayMs !== null ? decision.retryDelayMs + jitter : jitter
      if (env.now() + delayMs >= deadlineAt) throw err
      await options.onRetry?.(err, delayMs, decision)
      await env.sleep(delayMs)
    }
  }
}
