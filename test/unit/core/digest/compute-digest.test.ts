import { describe, expect, it } from 'vitest'
import { computeDigest, type DigestPeriod } from '../../../../src/core/digest/compute-digest'
import type { DigestHistory } from '../../../../src/core/digest/digest-history'
import type { WarningAccuracy } from '../../../../src/core/warnings/warning-accuracy'
import { digestIncident as incident, warningAccuracy } from '../../../support/digest-fixtures'

const at = (iso: string) => new Date(iso)
const MINUTES = 60

// The week of Monday 30 Nov 2026, against the week before, in UTC.
const week: DigestPeriod = { since: at('2026-11-30T00:00:00Z'), until: at('2026-12-07T00:00:00Z'), timeZone: 'UTC' }

const P1 = incident({
  id: 'p1',
  number: 1,
  fingerprint: 'fpA',
  service: 'checkout',
  policyName: 'Checkout 5xx',
  startedAt: at('2026-11-25T09:00:00Z'),
  resolvedAt: at('2026-11-25T09:40:00Z'),
  ttaSeconds: 240,
  ttmSeconds: 1200,
  ttrSeconds: 2400,
  diagnosisLabel: 'right',
  resolutionRecordedAt: at('2026-11-25T10:00:00Z'),
  confidence: 0.9,
})
const P2 = incident({ id: 'p2', number: 2, fingerprint: 'fpC', service: 'inventory', severity: 'info', startedAt: at('2026-11-26T12:00:00Z'), ttrSeconds: 600 })
const A1 = incident({
  id: 'a1',
  number: 3,
  fingerprint: 'fpA',
  service: 'checkout',
  policyName: 'Checkout 5xx',
  startedAt: at('2026-12-01T10:00:00Z'),
  resolvedAt: at('2026-12-01T10:30:00Z'),
  ttaSeconds: 120,
  ttmSeconds: 600,
  ttrSeconds: 1800,
  diagnosisLabel: 'right',
  sameIncidentId: 'p1',
  topMatchId: 'p1',
  resolutionRecordedAt: at('2026-12-01T11:00:00Z'),
  confidence: 0.8,
})
// Fired again 30 minutes after A1 was resolved: flapping.
const A2 = incident({
  id: 'a2',
  number: 4,
  fingerprint: 'fpA',
  service: 'checkout',
  policyName: 'Checkout 5xx',
  startedAt: at('2026-12-01T11:00:00Z'),
  resolvedAt: at('2026-12-01T11:20:00Z'),
  ttaSeconds: 60,
  ttrSeconds: 1200,
  diagnosisLabel: 'wrong',
  sameIncidentId: 'p1',
  topMatchId: 'p2',
  resolutionRecordedAt: at('2026-12-01T12:00:00Z'),
  confidence: 0.6,
})
// Still open: no times at all.
const A3 = incident({
  id: 'a3',
  number: 5,
  fingerprint: 'fpA',
  service: 'checkout',
  policyName: 'Checkout 5xx',
  severity: 'critical',
  startedAt: at('2026-12-03T08:00:00Z'),
})
const B1 = incident({
  id: 'b1',
  number: 6,
  fingerprint: 'fpB',
  service: 'payments',
  policyName: 'Payments latency',
  severity: 'warning',
  startedAt: at('2026-12-05T23:30:00Z'),
  resolvedAt: at('2026-12-06T00:30:00Z'),
  ttaSeconds: 300,
  ttmSeconds: 900,
  ttrSeconds: 3600,
  diagnosisLabel: 'partly',
  resolutionRecordedAt: at('2026-12-06T01:00:00Z'),
  confidence: 0.7,
})

const history: DigestHistory = {
  incidents: [P1, P2, A1, A2, A3, B1],
  playbookRuns: [
    { playbookId: 'restart-checkout', title: 'Restart checkout', status: 'completed', startedAt: at('2026-12-01T10:10:00Z') },
    { playbookId: 'restart-checkout', title: 'Restart checkout', status: 'rejected', startedAt: at('2026-12-03T08:05:00Z') },
    { playbookId: 'scale-up', title: 'Scale up', status: 'failed', startedAt: at('2026-11-25T09:10:00Z') },
  ],
  approvals: [
    { status: 'approved', requestedAt: at('2026-12-01T10:00:00Z'), decidedAt: at('2026-12-01T10:05:00Z') },
    { status: 'rejected', requestedAt: at('2026-12-03T08:00:00Z'), decidedAt: at('2026-12-03T08:15:00Z') },
    { status: 'expired', requestedAt: at('2026-12-04T08:00:00Z'), decidedAt: null },
    { status: 'approved', requestedAt: at('2026-11-25T09:00:00Z'), decidedAt: at('2026-11-25T09:10:00Z') },
  ],
  followups: [
    { status: 'open', owner: 'U1', text: 'add a retry budget', incidentNumber: 1, dueOn: '2026-12-01', createdAt: at('2026-11-20T00:00:00Z'), closedAt: null },
    {
      status: 'done',
      owner: 'U2',
      text: 'alert on pool size',
      incidentNumber: 1,
      dueOn: null,
      createdAt: at('2026-11-20T00:00:00Z'),
      closedAt: at('2026-12-02T00:00:00Z'),
    },
    { status: 'open', owner: 'U3', text: 'runbook', incidentNumber: 3, dueOn: null, createdAt: at('2026-12-02T00:00:00Z'), closedAt: null },
  ],
  errorSightings: [
    { incidentId: 'a1', incidentNumber: 3, service: 'checkout', template: 'TimeoutError after <*> ms', errorGroupId: null, incidentStartedAt: A1.startedAt },
    { incidentId: 'a3', incidentNumber: 5, service: 'checkout', template: 'TimeoutError after <*> ms', errorGroupId: null, incidentStartedAt: A3.startedAt },
    { incidentId: 'p1', incidentNumber: 1, service: 'checkout', template: 'TimeoutError after <*> ms', errorGroupId: null, incidentStartedAt: P1.startedAt },
    { incidentId: 'a2', incidentNumber: 4, service: 'checkout', template: 'NullPointerException', errorGroupId: null, incidentStartedAt: A2.startedAt },
    { incidentId: 'b1', incidentNumber: 6, service: 'payments', template: 'card declined', errorGroupId: 'grp-1', incidentStartedAt: B1.startedAt },
  ],
}

describe('computeDigest on a hand-made week', () => {
  const { digest, charts } = computeDigest(history, week)

  it('names the period and the one before it', () => {
    expect(digest.period).toEqual({
      since: '2026-11-30T00:00:00.000Z',
      until: '2026-12-07T00:00:00.000Z',
      label: '30 Nov – 6 Dec 2026',
      days: 7,
      timeZone: 'UTC',
    })
    expect(digest.previousPeriod.label).toBe('23 – 29 Nov 2026')
  })

  it('counts incidents by severity and by service against the previous week, services without incidents in one week included', () => {
    expect(digest.incidents.total).toEqual({ current: 4, previous: 2, trend: 'up' })
    expect(digest.incidents.bySeverity).toEqual([
      { severity: 'critical', current: 1, previous: 0, trend: 'up' },
      { severity: 'high', current: 2, previous: 1, trend: 'up' },
      { severity: 'warning', current: 1, previous: 0, trend: 'up' },
      { severity: 'info', current: 0, previous: 1, trend: 'down' },
    ])
    expect(digest.incidents.byService).toEqual([
      { service: 'checkout', current: 3, previous: 1, trend: 'up' },
      { service: 'payments', current: 1, previous: 0, trend: 'up' },
      { service: 'inventory', current: 0, previous: 1, trend: 'down' },
    ])
  })

  it('gives median and p90 of the times over the incidents that had them, and says how many did', () => {
    // TTA 60, 120, 300: median 120, p90 at rank 1.8 = 120 + 0.8 × 180 = 264; the open A3 has none.
    expect(digest.responseTimes.acknowledge).toEqual({
      medianSeconds: 120,
      p90Seconds: 264,
      withTimes: 3,
      of: 4,
      previousMedianSeconds: 240,
      previousP90Seconds: 240,
      trend: 'down',
    })
    expect(digest.responseTimes.mitigate).toMatchObject({
      medianSeconds: 750,
      p90Seconds: 870,
      withTimes: 2,
      of: 4,
      previousMedianSeconds: 1200,
      trend: 'down',
    })
    // TTR 1200, 1800, 3600 against 600, 2400 (median 1500).
    expect(digest.responseTimes.resolve).toMatchObject({ medianSeconds: 1800, p90Seconds: 3240, withTimes: 3, of: 4, previousMedianSeconds: 1500, trend: 'up' })
  })

  it('finds the noisy alerts: frequent, new and flapping', () => {
    expect(digest.noisyAlerts).toEqual([
      {
        fingerprint: 'fpA',
        policy: 'Checkout 5xx',
        service: 'checkout',
        title: 'incident 5',
        latestIncident: 5,
        incidents: { current: 3, previous: 1, trend: 'up' },
        shareOfService30d: 1,
        frequent: true,
        new: false,
        flapping: 1,
      },
      // Its service's only incident in 30 days: 100 %, but one incident is not "frequent".
      {
        fingerprint: 'fpB',
        policy: 'Payments latency',
        service: 'payments',
        title: 'incident 6',
        latestIncident: 6,
        incidents: { current: 1, previous: 0, trend: 'up' },
        shareOfService30d: 1,
        frequent: false,
        new: true,
        flapping: 0,
      },
    ])
  })

  it('lists the errors seen around more than one incident', () => {
    expect(digest.recurringErrors).toEqual([
      { service: 'checkout', template: 'TimeoutError after <*> ms', errorGroupId: null, incidents: 2, earlierIncidents: 1, incidentNumbers: [3, 5] },
    ])
  })

  it('sums playbook runs by outcome and the approval latency', () => {
    expect(digest.playbooks.runs).toEqual({ current: 2, previous: 1, trend: 'up' })
    expect(digest.playbooks.byPlaybook).toEqual([
      { playbookId: 'restart-checkout', title: 'Restart checkout', runs: 2, completed: 1, failed: 0, rejected: 1, cancelled: 0, inProgress: 0 },
    ])
    expect(digest.playbooks.approvals).toEqual({
      requested: 3,
      decided: 2,
      expired: 1,
      pending: 0,
      latency: { medianSeconds: 600, p90Seconds: 840, withTimes: 2, of: 3, previousMedianSeconds: 600, previousP90Seconds: 600, trend: 'flat' },
    })
  })

  it("scores the bot's accuracy on the answers recorded in the week", () => {
    expect(digest.accuracy.diagnosis).toEqual({ right: 1, partly: 1, wrong: 1, notSure: 0, rightShare: 1 / 3, previousRightShare: 1, trend: 'down' })
    expect(digest.accuracy.similar).toEqual({ recorded: 2, hits: 1, hitRate: 0.5, previousHitRate: null, trend: null })
    // (0.8 − 1)² and (0.6 − 0)², averaged: 0.2; the week before (0.9 − 1)² = 0.01.
    expect(digest.accuracy.calibration.labelled).toBe(2)
    expect(digest.accuracy.calibration.brier).toBeCloseTo(0.2, 10)
    expect(digest.accuracy.calibration.previousBrier).toBeCloseTo(0.01, 10)
    expect(digest.accuracy.calibration.trend).toBe('up')
  })

  it('counts open and overdue follow-up actions at the end of each week', () => {
    expect(digest.followups).toEqual({
      open: { current: 2, previous: 2, trend: 'flat' },
      overdue: { current: 1, previous: 0, trend: 'up' },
      overdueList: [{ owner: 'U1', text: 'add a retry budget', incidentNumber: 1, dueOn: '2026-12-01' }],
    })
  })

  it('gives the charts every day of the week, eight weeks of time to resolve, the top services and the reliability bins', () => {
    const zero = { critical: 0, high: 0, warning: 0, info: 0 }
    expect(charts.incidentsPerDay).toEqual([
      { day: '2026-11-30', bySeverity: zero },
      { day: '2026-12-01', bySeverity: { ...zero, high: 2 } },
      { day: '2026-12-02', bySeverity: zero },
      { day: '2026-12-03', bySeverity: { ...zero, critical: 1 } },
      { day: '2026-12-04', bySeverity: zero },
      { day: '2026-12-05', bySeverity: { ...zero, warning: 1 } },
      { day: '2026-12-06', bySeverity: zero },
    ])
    expect(charts.ttrByWeek.map((w) => w.weekStart)).toEqual([
      '2026-10-12',
      '2026-10-19',
      '2026-10-26',
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
      '2026-11-23',
      '2026-11-30',
    ])
    expect(charts.ttrByWeek[0]).toEqual({ weekStart: '2026-10-12', medianMinutes: null, p90Minutes: null, incidents: 0 })
    expect(charts.ttrByWeek[6]).toEqual({ weekStart: '2026-11-23', medianMinutes: 1500 / MINUTES, p90Minutes: 2220 / MINUTES, incidents: 2 })
    expect(charts.ttrByWeek[7]).toEqual({ weekStart: '2026-11-30', medianMinutes: 30, p90Minutes: 54, incidents: 4 })
    expect(charts.topServices).toEqual([
      { service: 'checkout', incidents: 3, previous: 1 },
      { service: 'payments', incidents: 1, previous: 0 },
    ])
    expect(charts.reliability.labelled).toBe(2)
    expect(charts.reliability.bins).toEqual([
      { from: 0.6, to: 0.7, meanConfidence: 0.6, observedRate: 0, count: 1 },
      { from: 0.8, to: 0.9, meanConfidence: 0.8, observedRate: 1, count: 1 },
    ])
  })
})

describe('computeDigest on an empty week', () => {
  it('says zero and n/a rather than inventing figures', () => {
    const empty: DigestHistory = { incidents: [], playbookRuns: [], approvals: [], followups: [], errorSightings: [] }
    const { digest, charts } = computeDigest(empty, week)
    expect(digest.incidents.total).toEqual({ current: 0, previous: 0, trend: 'flat' })
    expect(digest.incidents.byService).toEqual([])
    expect(digest.responseTimes.resolve).toEqual({
      medianSeconds: null,
      p90Seconds: null,
      withTimes: 0,
      of: 0,
      previousMedianSeconds: null,
      previousP90Seconds: null,
      trend: null,
    })
    expect(digest.noisyAlerts).toEqual([])
    expect(digest.accuracy.calibration).toEqual({ labelled: 0, brier: null, previousBrier: null, trend: null })
    expect(charts.incidentsPerDay).toHaveLength(7)
    expect(charts.incidentsPerDay.every((d) => Object.values(d.bySeverity).every((n) => n === 0))).toBe(true)
    expect(charts.ttrByWeek.every((w) => w.medianMinutes === null && w.incidents === 0)).toBe(true)
    expect(charts.reliability).toEqual({ bins: [], brier: null, labelled: 0 })
  })
})

describe('computeDigest in a time zone', () => {
  it('puts an incident on the day it started where the readers are', () => {
    // 23:30 UTC on Saturday 5 Dec is 00:30 on Sunday 6 Dec in Paris.
    const paris: DigestPeriod = { since: at('2026-11-29T23:00:00Z'), until: at('2026-12-06T23:00:00Z'), timeZone: 'Europe/Paris' }
    const { charts, digest } = computeDigest({ ...history, incidents: [B1] }, paris)
    expect(digest.period.label).toBe('30 Nov – 6 Dec 2026')
    expect(charts.incidentsPerDay.find((d) => d.bySeverity.warning === 1)?.day).toBe('2026-12-06')
  })
})

describe('computeDigest with the proactive warnings', () => {
  const accuracy = (over: Partial<WarningAccuracy>) => warningAccuracy(week.since, week.until, over)

  it('compares precision and recall with the week before; none read, none said', () => {
    const warnings = {
      current: accuracy({
        warnings: 5,
        confirmed: 3,
        falseAlarms: 1,
        open: 1,
        precision: 0.75,
        incidents: 4,
        forewarned: 2,
        recall: 0.5,
        medianLeadMinutes: 23,
      }),
      previous: accuracy({ warnings: 2, confirmed: 1, falseAlarms: 1, precision: 0.5, incidents: 2, forewarned: 1, recall: 0.5 }),
    }
    expect(computeDigest({ ...history, warnings }, week).digest.warnings).toEqual({
      posted: { current: 5, previous: 2, trend: 'up' },
      confirmed: 3,
      falseAlarms: 1,
      open: 1,
      precision: 0.75,
      previousPrecision: 0.5,
      precisionTrend: 'up',
      forewarned: 2,
      incidents: 4,
      recall: 0.5,
      previousRecall: 0.5,
      recallTrend: 'flat',
      medianLeadMinutes: 23,
      falseAlarmsByService: [],
      marks: { useful: 0, notUseful: 0 },
    })
    expect(computeDigest(history, week).digest.warnings).toBeNull()
  })
})
