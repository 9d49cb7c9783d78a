import { describe, expect, it } from 'vitest'
import { explainedShare } from '../../../../../src/core/analysis/rca/explained-share'
import type { TrackedPoint } from '../../../../../src/core/analysis/rca/signal-track'

const point = (overrides: Partial<TrackedPoint>): TrackedPoint => ({ at: 0, observed: 0, change: 0, score: 10, ...overrides })
const mean = { kind: 'mean' } as const
const p95 = { kind: 'quantile', q: 0.95 } as const

describe('explainedShare', () => {
  it('compares failed requests above baseline for errors', () => {
    expect(explainedShare(point({ excessErrors: 30 }), point({ excessErrors: 40 }), 'errors', mean)).toBeCloseTo(0.75)
    expect(explainedShare(point({ excessErrors: 80 }), point({ excessErrors: 40 }), 'errors', mean)).toBe(1)
  })

  it('compares extra time spent (change x requests) for mean latency', () => {
    // 2 s slower on 2 requests cannot explain 0.1 s slower on 1000.
    expect(explainedShare(point({ change: 2, requests: 2 }), point({ change: 0.1, requests: 1000 }), 'latency', mean)).toBeCloseTo(0.04)
    expect(explainedShare(point({ change: 0.133, requests: 900 }), point({ change: 0.4, requests: 300 }), 'latency', mean)).toBeCloseTo(0.9975, 3)
  })

  it('for a quantile, counts the change only if the dependency reaches enough of the caller’s requests', () => {
    expect(explainedShare(point({ change: 2, requests: 38 }), point({ change: 2.2, requests: 220 }), 'latency', p95)).toBeCloseTo(2 / 2.2)
    expect(explainedShare(point({ change: 2, requests: 2 }), point({ change: 2.2, requests: 1000 }), 'latency', p95)).toBeCloseTo((2 / 2.2) * (0.002 / 0.05))
  })

  it('falls back to plain changes without request counts', () => {
    expect(explainedShare(point({ change: 0.05 }), point({ change: 0.1 }), 'latency', mean)).toBeCloseTo(0.5)
  })

  it('is 0 when the caller did not get worse', () => {
    expect(explainedShare(point({ change: 0.05 }), point({ change: -0.1 }), 'latency', mean)).toBe(0)
    expect(explainedShare(point({ excessErrors: 5 }), point({ excessErrors: -1 }), 'errors', mean)).toBe(0)
  })
})
