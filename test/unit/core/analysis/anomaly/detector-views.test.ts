import { describe, expect, it } from 'vitest'
import { ContextNoveltyView } from '../../../../../src/core/analysis/anomaly/context-novelty-view'
import { RelativeEntropyView } from '../../../../../src/core/analysis/anomaly/relative-entropy-view'
import { scoreMetricSeries } from '../../../../../src/core/analysis/anomaly/score-metric-series'
import { combineSurprises, DEFAULT_DETECTOR_RULES } from '../../../../../src/core/analysis/anomaly/streaming-anomaly-detector'
import { dailySine, gaussian, POINTS_PER_DAY, seededRandom, START, STEP_MS } from '../../../../support/series-builders'

const asPoints = (values: number[]) => values.map((value, i) => ({ timestamp: START + i * STEP_MS, value }))

describe('detector rules', () => {
  it('scores exactly as before when every rule has its default', () => {
    const values = dailySine(5, 2)
    values[4 * POINTS_PER_DAY] = values[4 * POINTS_PER_DAY]! + 30
    expect(scoreMetricSeries(asPoints(values), {}, { ...DEFAULT_DETECTOR_RULES })).toEqual(scoreMetricSeries(asPoints(values)))
  })

  it('without the 5 % rule a new level still scores through the graded range view, and not at all with neither', () => {
    const values = dailySine(5, 2)
    const at = 4 * POINTS_PER_DAY
    for (let i = at; i < values.length; i++) values[i] = values[i]! + 200
    const graded = scoreMetricSeries(asPoints(values), {}, { outOfRange: false, gradedRangeView: true, medianView: false, seasonalView: false })
    const neither = scoreMetricSeries(asPoints(values), {}, { outOfRange: false, medianView: false, seasonalView: false })
    expect(graded[at]!.score).toBeGreaterThan(0.9)
    expect(Math.max(...neither.map((p) => p!.score))).toBe(0)
  })

  it('combines surprises by product, maximum or Fisher, ignoring views not in use', () => {
    expect(combineSurprises([0.3, 0.4, -1], 'product')).toBeCloseTo(0.7)
    expect(combineSurprises([0.3, 0.4, -1], 'max')).toBe(0.4)
    const fisher = combineSurprises([0.3, 0.4], 'fisher')
    // Fisher's combined p-value is p1·p2·(1 − ln(p1·p2)) for two views: a little less surprising than the product.
    const p = 10 ** -7
    expect(fisher).toBeCloseTo(-Math.log10(p * (1 - Math.log(p))) / 10, 10)
    expect(fisher).toBeLessThan(0.7)
    expect(combineSurprises([0.5], 'fisher')).toBe(0.5)
    expect(combineSurprises([-1, -1], 'product')).toBe(0)
  })
})

describe('RelativeEntropyView', () => {
  it('stays quiet on stationary noise and reacts when the distribution of the window changes', () => {
    const random = seededRandom(3)
    const view = new RelativeEntropyView()
    const stationary: number[] = []
    for (let i = 0; i < 2000; i++) stationary.push(view.observe(10 + gaussian(random), 6, 14))
    const settled = stationary.slice(1000)
    expect(settled.filter((s) => s > 13.28).length / settled.length).toBeLessThan(0.05)
    const shifted: number[] = []
    for (let i = 0; i < 60; i++) shifted.push(view.observe(13 + 0.3 * gaussian(random), 6, 14))
    // Past the chi-square 1 % point (13.28, 4 degrees of freedom): no hypothesis explains the new window.
    expect(Math.max(...shifted)).toBeGreaterThan(13.28)
    expect(Number.isNaN(new RelativeEntropyView().observe(1, 0, 2))).toBe(true)
  })
})

describe('ContextNoveltyView', () => {
  it('gives a pattern seen many times a low novelty and a new one novelty 1', () => {
    const view = new ContextNoveltyView(1000, 8, 2)
    let last = NaN
    for (let i = 0; i < 300; i++) last = view.observe(i % 2 === 0 ? 0 : 7, 0, 7)
    expect(last).toBeLessThan(0.02)
    expect(view.observe(3.5, 0, 7)).toBe(1)
  })
})
