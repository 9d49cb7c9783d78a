import { describe, expect, it } from 'vitest'
import { HashingEmbedder, tokenize } from '../../../../src/core/correlation/hashing-embedder'

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

  it('folds numbers and ids so they do not dominate', () => {
    expect(tokenize('Request 12345 failed for 3f2a9c1e-aaaa-bbbb-cccc-1234567890ab')).toEqual(['request', '<num>', 'failed', '<id>'])
  })
})
