import { describe, expect, it } from 'vitest'
import { featureTokens, HashingEmbedder, stem, tokenize } from '../../../../src/core/correlation/hashing-embedder'

const cosine = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0)

describe('HashingEmbedder', () => {
  const embedder = new HashingEmbedder(768)

  it('returns unit vectors of the configured size', async () => {
    const [v] = await embedder.embed(['payment-api p95 latency > 2 s'])
    expect(v).toHaveLength(768)
    expect(Math.hypot(...v!)).toBeCloseTo(1, 6)
  })

  it('places related incidents closer than unrelated ones', async () => {
    const [query, related, unrelated] = await embedder.embed([
      'payment-api p95 latency above 2 s, fraud-check timeouts',
      'payment-api latency spike caused by slow fraud-check dependency',
      'disk full on logging node, fluentd buffer overflow',
    ])
    expect(cosine(query!, related!)).toBeGreaterThan(cosine(query!, unrelated!) + 0.2)
  })

  it('is deterministic', async () => {
    const [a] = await embedder.embed(['checkout-db connection pool exhausted'])
    const [b] = await embedder.embed(['checkout-db connection pool exhausted'])
    expect(a).toEqual(b)
  })

  it('is named for its version: vectors of another version are not comparable', () => {
    expect(new HashingEmbedder().name).toBe('local-hashing-v2')
  })

  describe('features', () => {
    it('folds numbers and ids so they do not dominate', () => {
      expect(tokenize('Request 12345 failed for 3f2a9c1e-aaaa-bbbb-cccc-1234567890ab')).toEqual(['request', '<num>', 'failed', '<id>'])
    })

    it('splits identifiers into their words and keeps the whole name as a feature', () => {
      expect(featureTokens('Caused by java.net.SocketTimeoutException in checkoutDb')).toEqual([
        'caus',
        'java',
        'net',
        'socket',
        'timeout',
        'exception',
        '=java.net.sockettimeoutexception',
        'checkout',
        'db',
        '=checkoutdb',
      ])
    })

    it('folds plurals and verb endings so inflections meet', () => {
      expect(['connections', 'timeouts', 'retries', 'exhausted', 'restarting'].map(stem)).toEqual(['connection', 'timeout', 'retry', 'exhaust', 'restart'])
      expect(stem('p95s')).toBe('p95s')
    })
  })

  describe('weights', () => {
    it('matches an exception written as a class name with the same words in prose', async () => {
      const [a, b, c] = await embedder.embed([
        'java.net.SocketTimeoutException while reading from checkout-db',
        'socket timeout exception reading checkout-db',
        'disk full on the logging node',
      ])
      expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.3)
    })

    it('counts a line repeated verbatim once, and repeated words sublinearly', async () => {
      const line = 'at org.apache.hadoop.ipc.Client.call(Client.java:1508)'
      const [once, fifty] = await embedder.embed([`NameNode failover loses edits\n${line}`, `NameNode failover loses edits\n${`${line}\n`.repeat(50)}`])
      expect(fifty).toEqual(once)
      const [few, many, words] = await embedder.embed(['timeout timeout timeout pool', `${'timeout '.repeat(300)}pool`, 'pool'])
      // 100 times more repetitions, not 100 times the weight: "pool" keeps a fair share.
      expect(cosine(many!, words!)).toBeGreaterThan(cosine(few!, words!) / 10)
      expect(cosine(few!, many!)).toBeGreaterThan(0.9)
    })
  })
})
