import { describe, expect, it } from 'vitest'
import type { Hypothesis } from '../../../../src/core/analysis/detect-hypotheses'
import type { CapacityReport } from '../../../../src/core/capacity/analyze-capacity'
import { capacityEvidence, costPerWeek, saturationTarget } from '../../../../src/core/capacity/capacity-line'
import { scaleOfferOf } from '../../../../src/core/capacity/scale-offer'

const hypothesis = (id: string, target: string): Hypothesis => ({ id, statement: id, playbookId: 'p', target, support: 0.8, because: [] })

describe('saturationTarget', () => {
  it('names the target of a memory or pool hypothesis, or the alerting service when the alert speaks of CPU or OOM', () => {
    expect(saturationTarget(hypothesis('memory-leak:cart', 'cart'), 'frontend', 'latency high')).toBe('cart')
    expect(saturationTarget(hypothesis('pool-exhaustion:checkout-db', 'checkout-db'), 'checkout-api', '')).toBe('checkout-db')
    expect(saturationTarget(hypothesis('bad-deploy:cart', 'cart'), 'cart', 'CPU throttling on cart')).toBe('cart')
    expect(saturationTarget(null, 'cart', 'container OOMKilled')).toBe('cart')
  })

  it('leaves capacity out when saturation is not part of it', () => {
    expect(saturationTarget(hypothesis('bad-deploy:cart', 'cart'), 'cart', '5xx after the deploy')).toBeNull()
    expect(saturationTarget(null, null, 'CPU saturation')).toBeNull()
  })
})

describe('capacityEvidence', () => {
  const base: CapacityReport = {
    service: 'search',
    settings: { source: 'deployment d/search', replicas: 6, autoscaler: null, cpuRequestCores: 0.5, cpuLimitCores: 1, memoryRequestGiB: 1, memoryLimitGiB: 1 },
    verdict: 'no-change',
    cpu: null,
    memory: null,
    latency: null,
    recommendations: [],
    notes: ['CPU peak 60 %: no replica change needed'],
  }

  it('states the first suggestion with its weekly cost', () => {
    const rec = {
      kind: 'replicas' as const,
      from: 6,
      to: 9,
      before: 0.93,
      after: 0.62,
      vcpuHoursPerWeek: 252,
      gibHoursPerWeek: 504,
      summary: 'run 9 replicas → 62 %',
    }
    const { line, evidence } = capacityEvidence({ ...base, verdict: 'scale-up', recommendations: [rec] })
    expect(line).toBe('capacity of search: run 9 replicas → 62 % (+252 vCPU-h, +504 GiB-h a week)')
    expect(evidence).toMatchObject({ source: 'metrics', anomalous: true, data: { verdict: 'scale-up', recommendations: [{ kind: 'replicas', to: 9 }] } })
  })

  it('says no change is needed, with the numbers', () => {
    expect(capacityEvidence(base).line).toBe('capacity of search: no change needed — CPU peak 60 %: no replica change needed')
    expect(costPerWeek({ vcpuHoursPerWeek: -3.5, gibHoursPerWeek: 0 })).toBe('−3.5 vCPU-h, ±0 GiB-h a week')
  })

  it('gives the Scale offer of a scale-up on a Deployment, and none without a Deployment or a scale-up', () => {
    const up = {
      kind: 'hpa-max' as const,
      from: 6,
      to: 9,
      before: 0.93,
      after: 0.62,
      vcpuHoursPerWeek: 25,
      gibHoursPerWeek: 50,
      summary: 'raise HPA max to 9 → 62 %',
    }
    const down = { ...up, kind: 'hpa-min' as const, from: 8, to: 3 }
    const onDeployment = { ...base, settings: { ...base.settings, deployment: { namespace: 'd', name: 'search' } } }
    expect(scaleOfferOf([capacityEvidence({ ...onDeployment, verdict: 'scale-up', recommendations: [up] }).evidence])).toEqual({
      service: 'search',
      namespace: 'd',
      deployment: 'search',
      kind: 'hpa-max',
      from: 6,
      to: 9,
      summary: 'raise HPA max to 9 → 62 %',
    })
    expect(scaleOfferOf([capacityEvidence({ ...base, verdict: 'scale-up', recommendations: [up] }).evidence])).toBeNull()
    expect(scaleOfferOf([capacityEvidence({ ...onDeployment, verdict: 'scale-down', recommendations: [down] }).evidence])).toBeNull()
    expect(scaleOfferOf([{ data: { verdict: 'scale-up' } }])).toBeNull()
  })
})
