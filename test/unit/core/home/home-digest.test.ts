import { describe, expect, it } from 'vitest'
import { computeDigest } from '../../../../src/core/digest/compute-digest'
import { homeDigestSection } from '../../../../src/core/home/home-digest'

const period = { since: new Date('2026-11-30T00:00:00Z'), until: new Date('2026-12-07T00:00:00Z'), timeZone: 'UTC' }
const at = (day: number, hour: number) => new Date(Date.UTC(2026, 11, day, hour))

function incident(n: number, service: string, started: Date, ttrSeconds: number | null) {
  return {
    id: `00000000-0000-0000-0000-00000000000${n}`,
    number: n,
    title: `incident ${n}`,
    service,
    policyName: null,
    fingerprint: `f${n}`,
    severity: 'high' as const,
    startedAt: started,
    resolvedAt: ttrSeconds === null ? null : new Date(started.getTime() + ttrSeconds * 1000),
    ttaSeconds: 300,
    ttmSeconds: null,
    ttrSeconds,
    diagnosisLabel: null,
    sameIncidentId: null,
    resolutionRecordedAt: null,
    confidence: null,
    topMatchId: null,
  }
}

describe('homeDigestSection', () => {
  it("takes the digest's headline figures and names its charts in the order they were uploaded", () => {
    const history = {
      incidents: [incident(1, 'orders-db', at(1, 10), 1800), incident(2, 'orders-db', at(2, 10), 3600), incident(3, 'cart', at(3, 10), null)],
      playbookRuns: [],
      approvals: [],
      followups: [],
      errorSightings: [],
    }
    const { digest } = computeDigest(history, period)
    const section = homeDigestSection(digest, ['F1', 'F2', 'F3', 'F4', 'F5'])
    expect(section.periodLabel).toBe(digest.period.label)
    expect(section.figures[0]).toBe('Incidents: 3 ↑ (was 0) — critical 0, high 3, warning 0, info 0')
    expect(section.figures[2]).toMatch(/^Time to resolve: median 45 min, p90 /)
    expect(section.charts.map((c) => c.fileId)).toEqual(['F1', 'F2', 'F3', 'F4'])
    expect(section.charts[0]!.title).toBe(`Incidents per day, by severity · ${digest.period.label}`)
    expect(section.charts[2]!.altText).toBe(`Services ranked by incidents over ${digest.period.label}; most: orders-db with 2.`)
  })
})
