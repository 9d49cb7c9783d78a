import { describe, expect, it } from 'vitest'
import type { CapacityReport } from '../../../../src/core/capacity/analyze-capacity'
import { computeDigest } from '../../../../src/core/digest/compute-digest'
import { capacityCandidates, capacityEntry, capacityEntryText } from '../../../../src/core/digest/digest-capacity'
import type { DigestHistory, DigestIncident } from '../../../../src/core/digest/digest-history'
import { digestIncident } from '../../../support/digest-fixtures'

const since = new Date('2026-11-30T00:00:00Z')
const until = new Date('2026-12-07T00:00:00Z')

function incident(n: number, service: string | null, startedAt: Date): DigestIncident {
  return digestIncident({ id: `i${n}`, number: n, title: 't', service, fingerprint: `f${n}`, startedAt })
}

function digestOf(incidents: DigestIncident[]) {
  const history: DigestHistory = { incidents, playbookRuns: [], approvals: [], followups: [], errorSightings: [] }
  return computeDigest(history, { since, until, timeZone: 'UTC' }).digest
}

const report = (over: Partial<CapacityReport>): CapacityReport => ({
  service: 'search',
  settings: {
    source: 'synthetic search',
    replicas: 6,
    autoscaler: { minReplicas: 2, maxReplicas: 6 },
    cpuRequestCores: 0.5,
    cpuLimitCores: 1,
    memoryRequestGiB: 0.75,
    memoryLimitGiB: 1,
  },
  verdict: 'no-change',
  cpu: null,
  memory: null,
  latency: null,
  recommendations: [],
  notes: [],
  ...over,
})

describe('capacityCandidates', () => {
  it('takes the warned services first, then those with incidents in the period (most first), once each, up to the cap', () => {
    const day = (d: number) => new Date(since.getTime() + d * 86_400_000)
    const digest = digestOf([
      incident(1, 'cart', day(1)),
      incident(2, 'payment-api', day(1)),
      incident(3, 'payment-api', day(2)),
      incident(4, null, day(2)),
      incident(5, 'old-service', new Date(since.getTime() - 86_400_000)), // the previous period only
      incident(6, 'search', day(3)),
    ])
    expect(capacityCandidates(digest, ['search', 'inventory'])).toEqual(['search', 'inventory', 'payment-api', 'cart'])
    expect(capacityCandidates(digest, ['search', 'inventory'], 3)).toEqual(['search', 'inventory', 'payment-api'])
    expect(capacityCandidates(digestOf([]), [])).toEqual([])
  })
})

describe('capacity entries', () => {
  it('says the first suggestion with its arithmetic and weekly cost, and how many more there are', () => {
    const summary = 'CPU peak 100 % of 6 replicas at Tue 19:00; forecast next peak 104 % (104 % even at HPA max 6); raise HPA max to 9 → 69 %'
    const entry = capacityEntry({
      service: 'search',
      report: report({
        verdict: 'scale-up',
        recommendations: [
          { kind: 'hpa-max', from: 6, to: 9, before: 1.04, after: 0.69, vcpuHoursPerWeek: 49, gibHoursPerWeek: 73.5, summary },
          { kind: 'memory', from: 1, to: 1.25, before: 0.9, after: 0.72, vcpuHoursPerWeek: 0, gibHoursPerWeek: -10, summary: 'memory' },
        ],
      }),
    })
    expect(capacityEntryText(entry)).toBe(`search: ${summary} — +49 vCPU-h, +73.5 GiB-h a week (and 1 more suggestion)`)
  })

  it('says no change with the peak, too little history, no workload, or the reason it failed', () => {
    const cpu = { peak: 0.41, peakAt: since, peakHourOfWeek: 'Tue 19:00', busiestHourOfWeek: 'Tue 19:00', forecastPeak: 0.42, weeklyGrowth: 0, days: 28 }
    const memory = { ...cpu, peak: 0.6 }
    expect(capacityEntryText(capacityEntry({ service: 'reviews', report: report({ service: 'reviews', cpu, memory }) }))).toBe(
      'reviews: no change needed (CPU peak 41 %, memory peak 60 %)',
    )
    const noData = report({ verdict: 'no-data', notes: ['less than a day of CPU and memory history: nothing to size from'] })
    expect(capacityEntryText(capacityEntry({ service: 'search', report: noData }))).toBe(
      'search: not enough history to size (less than a day of CPU and memory history: nothing to size from)',
    )
    expect(capacityEntryText(capacityEntry({ service: 'ghost', report: null }))).toBe(
      'ghost: could not be sized: no workload found behind the capacity settings',
    )
    expect(capacityEntryText(capacityEntry({ service: 'cart', error: 'sizing cart gave no answer within 20 s' }))).toBe(
      'cart: could not be sized: sizing cart gave no answer within 20 s',
    )
  })
})
