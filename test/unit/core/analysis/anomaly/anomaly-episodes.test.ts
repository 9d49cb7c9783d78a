import { describe, expect, it } from 'vitest'
import { findAnomalyEpisodes, INCIDENT_EPISODE_RULE, SCAN_EPISODE_RULE } from '../../../../../src/core/analysis/anomaly/anomaly-episodes'
import { gaussian, seededRandom } from '../../../../support/series-builders'

const T0 = Date.UTC(2026, 2, 10, 10, 0)
const MINUTE = 60_000

/** 240 one-minute points of noise around 100 (sd 3), with `change(i, value)` applied. */
function series(change: (i: number, value: number) => number = (_, v) => v, seed = 5) {
  const random = seededRandom(seed)
  return Array.from({ length: 240 }, (_, i) => ({ at: T0 + i * MINUTE, value: change(i, 100 + 3 * gaussian(random)) }))
}

describe('findAnomalyEpisodes', () => {
  it('dates a level shift at its first point', () => {
    const episodes = findAnomalyEpisodes(
      series((i, v) => (i >= 200 ? v + 60 : v)),
      SCAN_EPISODE_RULE,
    )
    expect(episodes).toHaveLength(1)
    expect(episodes[0]).toMatchObject({ onsetAt: T0 + 200 * MINUTE, score: 1 })
    expect(episodes[0]!.points).toBeGreaterThanOrEqual(3)
    expect(episodes[0]!.value).toBeGreaterThan(150)
    expect(episodes[0]!.valueBefore).toBeCloseTo(100, -1)
  })

  it('needs the given number of consecutive anomalous points: a lone spike is not an episode', () => {
    const spiky = series((i, v) => (i === 200 ? v + 200 : v))
    expect(findAnomalyEpisodes(spiky, SCAN_EPISODE_RULE)).toEqual([])
    expect(findAnomalyEpisodes(spiky, { threshold: 0.99, minConsecutive: 1 }).map((e) => e.onsetAt)).toEqual([T0 + 200 * MINUTE])
  })

  it('finds nothing in a flat series or in noise that stays normal, however long', () => {
    const flat = Array.from({ length: 600 }, (_, i) => ({ at: T0 + i * MINUTE, value: 0.42 }))
    expect(findAnomalyEpisodes(flat, INCIDENT_EPISODE_RULE)).toEqual([])
    for (const seed of [1, 2, 3, 4]) expect(findAnomalyEpisodes(series(undefined, seed), SCAN_EPISODE_RULE)).toEqual([])
  })

  it('says nothing before the detector has warmed up', () => {
    const early = series((i, v) => (i >= 100 ? v + 60 : v))
    expect(findAnomalyEpisodes(early, SCAN_EPISODE_RULE)).toEqual([])
  })

  it('skips NaN and infinite values as gaps, and orders shuffled points, with the same onset', () => {
    const clean = series((i, v) => (i >= 200 ? v + 60 : v))
    const holed = clean.map((p, i) => (i % 17 === 3 || i === 201 ? { ...p, value: i === 201 ? Infinity : NaN } : p))
    const shuffled = [...holed].reverse()
    const [episode] = findAnomalyEpisodes(shuffled, SCAN_EPISODE_RULE)
    expect(episode?.onsetAt).toBe(T0 + 200 * MINUTE)
    expect(findAnomalyEpisodes([], SCAN_EPISODE_RULE)).toEqual([])
    expect(findAnomalyEpisodes([{ at: NaN, value: 1 }], SCAN_EPISODE_RULE)).toEqual([])
  })

  it('handles an episode longer than any argument list (a shift that lasts for months of minutes)', () => {
    const long = Array.from({ length: 200_000 }, (_, i) => ({ at: T0 + i * MINUTE, value: i >= 200 ? 5 : 1 }))
    const episodes = findAnomalyEpisodes(long, SCAN_EPISODE_RULE)
    expect(episodes).toHaveLength(1)
    expect(episodes[0]).toMatchObject({ onsetAt: T0 + 200 * MINUTE, lastAt: T0 + 199_999 * MINUTE, points: 199_800 })
  })

  it('dates a drop too, with the value before it so the caller can tell the direction', () => {
    const [episode] = findAnomalyEpisodes(
      series((i, v) => (i >= 200 ? v - 60 : v)),
      SCAN_EPISODE_RULE,
    )
    expect(episode!.value).toBeLessThan(episode!.valueBefore)
  })
})
