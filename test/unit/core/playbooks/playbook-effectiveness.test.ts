import { describe, expect, it } from 'vitest'
import {
  computePlaybookEffectiveness,
  MIN_SCORED_RUNS,
  type ComparableIncident,
  type FixOutcome,
  type PlaybookHistory,
  type RunRecord,
  type StepRecord,
} from '../../../../src/core/playbooks/playbook-effectiveness'
import { playbookSchema, type Playbook } from '../../../../src/core/playbooks/schema'
import { handRunLogQueriesIn } from '../../../../src/core/playbooks/hand-run-queries'
import { DEFAULT_SUGGESTION_THRESHOLDS, suggestPlaybookEdits } from '../../../../src/core/playbooks/suggest-playbook-edits'

const T0 = Date.parse('2026-11-02T10:00:00Z')
const at = (s: number) => new Date(T0 + s * 1000)

function query(id: string, value = 90, op: '>' | '<' = '>') {
  return { id, kind: 'query', title: id, source: 'metrics', metric: 'cpu_utilization', assert: { stat: 'max', op, value, description: id } }
}
const gateAndAction = (autoApprove = false) => [
  { id: 'approve', kind: 'approval', title: 'approve', for: 'restart', ...(autoApprove ? { autoApprove: { maxRisk: 'low', minConfidence: 0.5 } } : {}) },
  { id: 'restart', kind: 'action', title: 'restart', risk: 'low', preview: 'restart', action: { type: 'webhook', url: 'https://x/restart' } },
]

function playbook(id: string, steps: unknown[]): Playbook {
  return playbookSchema.parse({ id, title: `${id} title`, version: 1, description: id, match: { keywords: ['xx'] }, steps })
}

/** A recorded step: kind and outcome, finished `spent` seconds after the one before. */
type StepSpec = [stepId: string, kind: string, status: StepRecord['status'], outcome: StepRecord['outcome'], spent: number]

let serial = 0
function run(
  pb: Playbook,
  spec: { outcome: FixOutcome; steps: StepSpec[]; status?: string; startAt?: number; ttm?: number | null; service?: string },
): RunRecord {
  serial++
  const start = spec.startAt ?? serial * 3600
  let clock = start
  const steps = spec.steps.map(([stepId, kind, status, outcome, spent]): StepRecord => {
    const position = pb.steps.findIndex((s) => s.id === stepId)
    clock += spent
    return { position, stepId, kind, status, outcome, startedAt: at(clock), finishedAt: status === 'waiting' ? null : at(clock) }
  })
  const recorded = spec.outcome === 'not_recorded' ? null : spec.outcome === 'other_fix' ? 'worked' : spec.outcome
  return {
    executionId: `run-${serial}`,
    playbookId: pb.id,
    playbookVersion: pb.version,
    definition: pb,
    status: spec.status ?? 'completed',
    startedAt: at(start),
    incident: {
      id: `inc-${serial}`,
      number: serial,
      service: spec.service ?? 'checkout-db',
      policyName: null,
      errorSignature: null,
      fixedByPlaybookId: spec.outcome === 'other_fix' || spec.outcome === 'not_recorded' ? null : pb.id,
      outcome: recorded,
      resolutionRecorded: recorded !== null,
      ttmSeconds: spec.ttm === undefined ? 600 : spec.ttm,
    },
    steps,
    approvals: [],
  }
}

function history(pbs: Playbook[], runs: RunRecord[], comparables: ComparableIncident[] = []): PlaybookHistory {
  return { playbooks: pbs.map((p) => ({ id: p.id, title: p.title, version: p.version, definition: p })), runs, comparables }
}

describe('the effectiveness score', () => {
  const good = playbook('known-good', [query('look'), ...gateAndAction()])
  const bad = playbook('known-bad', [query('look'), ...gateAndAction()])
  const acted = (pb: Playbook, outcome: FixOutcome) =>
    run(pb, {
      outcome,
      steps: [
        ['look', 'query', 'succeeded', { passed: true, value: 95 }, 5],
        ['approve', 'approval', 'succeeded', { decision: 'approved', by: 'U1' }, 30],
        ['restart', 'action', 'succeeded', {}, 5],
      ],
    })
  // Deterministic histories: the good one works 9 times in 10, the bad one 1 time in 5 (the rest fail or are fixed otherwise).
  const goodOutcome = (i: number): FixOutcome => (i % 10 === 9 ? 'failed' : 'worked')
  const badOutcome = (i: number): FixOutcome => (i % 5 === 0 ? 'worked' : i % 2 ? 'failed' : 'other_fix')
  const figuresAfter = (k: number) => {
    const runs = Array.from({ length: k }, (_, i) => [acted(good, goodOutcome(i)), acted(bad, badOutcome(i))]).flat()
    const ranked = computePlaybookEffectiveness(history([good, bad], runs))
    return { ranked, good: ranked.find((f) => f.playbookId === 'known-good')!, bad: ranked.find((f) => f.playbookId === 'known-bad')! }
  }

  it('says how many more runs a playbook needs before it is ranked', () => {
    const { good: g } = figuresAfter(3)
    expect(g.rank).toBeNull()
    expect(g.all.score.moreRunsNeeded).toBe(MIN_SCORED_RUNS - 3)
    expect(g.all.score.wording).toBe('needs 2 more runs with a recorded outcome to be ranked (has 3)')
  })

  it('ranks the known-good playbook above the known-bad one, and says after how many runs each the intervals separate', () => {
    let ranksRight: number | null = null
    let separates: number | null = null
    for (let k = 1; k <= 60 && separates === null; k++) {
      const { ranked, good: g, bad: b } = figuresAfter(k)
      if (ranksRight === null && ranked[0]?.playbookId === 'known-good' && b.rank === 2) ranksRight = k
      if (g.all.score.lowerBound > b.all.score.upperBound) separates = k
    }
    console.info(`known-good (90 % worked) vs known-bad (20 % worked): ranked right after ${ranksRight} runs each; 95 % intervals apart after ${separates}`)
    expect(ranksRight).toBe(MIN_SCORED_RUNS)
    expect(separates).toBe(7)
    for (let k = separates!; k <= 40; k++) {
      const { ranked, good: g, bad: b } = figuresAfter(k)
      expect(ranked.map((f) => f.playbookId)).toEqual(['known-good', 'known-bad'])
      expect(g.all.score.lowerBound).toBeGreaterThan(b.all.score.upperBound)
    }
  })

  it('counts partly as half a success and a fix by something else as a failure, with the 95 % Wilson interval', () => {
    const pb = playbook('half', [query('look'), ...gateAndAction()])
    const runs = (['worked', 'worked', 'partly', 'failed', 'other_fix', 'not_recorded'] as const).map((o) => acted(pb, o))
    const [f] = computePlaybookEffectiveness(history([pb], runs))
    expect(f!.all.outcomes).toEqual({ worked: 2, partly: 1, failed: 1, other_fix: 1, not_recorded: 1 })
    expect(f!.all.score.trials).toBe(5)
    expect(f!.all.score.rate).toBeCloseTo(0.5, 10)
    // Wilson at p = 0.5, n = 5, z = 1.96: centre 0.5, half-width 1.96 / 1.7683 · sqrt(0.05 + 3.8415 / 100) = 0.32958.
    expect(f!.all.score.lowerBound).toBeCloseTo(0.17042, 4)
    expect(f!.all.score.upperBound).toBeCloseTo(0.82958, 4)
  })
})

describe('the per-step figures', () => {
  // latency is tested by the branch; noise never finds anything; the branch skips to the end when latency is fine.
  const pb = playbook('branchy', [
    query('latency', 2000),
    query('noise'),
    // biome-ignore lint/suspicious/noThenProperty: the playbook format's branch target
    { id: 'is-slow', kind: 'branch', title: 'slow?', if: { step: 'latency' }, then: 'approve', else: 'end' },
    ...gateAndAction(true),
    { id: 'tell', kind: 'notify', title: 'tell', message: 'done' },
  ])
  const a = run(pb, {
    outcome: 'worked',
    startAt: 0,
    ttm: 300,
    steps: [
      ['latency', 'query', 'succeeded', { passed: true, value: 2500 }, 10],
      ['noise', 'query', 'succeeded', { passed: false, value: 3 }, 5],
      ['is-slow', 'branch', 'succeeded', { tested: 'latency', passed: true, goto: 3 }, 0],
      ['approve', 'approval', 'succeeded', { decision: 'approved', by: 'U1' }, 60],
      ['restart', 'action', 'succeeded', {}, 5],
      ['tell', 'notify', 'succeeded', {}, 1],
    ],
  })
  a.approvals = [{ stepPosition: 3, status: 'approved', decidedBy: 'U1', requestedAt: at(15), decidedAt: at(75) }]
  const b = run(pb, {
    outcome: 'failed',
    status: 'failed',
    startAt: 1000,
    ttm: 900,
    steps: [
      ['latency', 'query', 'succeeded', { passed: true, value: 2200 }, 5],
      ['noise', 'query', 'succeeded', { passed: false, value: 1 }, 7],
      ['is-slow', 'branch', 'succeeded', { tested: 'latency', passed: true, goto: 3 }, 0],
      ['approve', 'approval', 'succeeded', { decision: 'approved', by: 'policy' }, 0],
      ['restart', 'action', 'failed', { detail: '503' }, 20],
    ],
  })
  b.approvals = [{ stepPosition: 3, status: 'approved', decidedBy: 'policy', requestedAt: at(1012), decidedAt: at(1012) }]
  const c = run(pb, {
    outcome: 'other_fix',
    startAt: 2000,
    ttm: null,
    steps: [
      ['latency', 'query', 'succeeded', { passed: false, value: 900 }, 8],
      ['noise', 'query', 'failed', { passed: false, error: 'quota' }, 2],
      ['is-slow', 'branch', 'succeeded', { tested: 'latency', passed: false, goto: 6 }, 0],
    ],
  })
  const comparables: ComparableIncident[] = [
    { id: 'x1', service: 'checkout-db', policyName: null, errorSignature: null, ttmSeconds: 1200, playbookIds: [] },
    { id: 'x2', service: 'checkout-db', policyName: null, errorSignature: null, ttmSeconds: 1800, playbookIds: ['other'] },
    { id: 'x3', service: 'checkout-db', policyName: null, errorSignature: null, ttmSeconds: 2400, playbookIds: [] },
    { id: 'x4', service: 'checkout-db', policyName: null, errorSignature: null, ttmSeconds: 60, playbookIds: ['branchy'] },
  ]
  const [figures] = computePlaybookEffectiveness(history([pb], [a, b, c], comparables))
  const step = (id: string) => figures!.versions[0]!.steps.find((s) => s.stepId === id)!

  it('counts ran, failed, skipped, decisive and the median time spent, by hand', () => {
    const pick = (id: string) => {
      const s = step(id)
      return [s.ran, s.failed, s.skipped, s.decisive, s.findings, s.medianDurationSeconds]
    }
    // latency: decisive in A through the branch; durations 10, 5, 8 → median 8.
    expect(pick('latency')).toEqual([3, 0, 0, 1, 2, 8])
    // noise: durations 5, 7, 2 → 5; one failed (could not run); never found anything.
    expect(pick('noise')).toEqual([3, 1, 0, 0, 0, 5])
    expect(pick('is-slow')).toEqual([3, 0, 0, 0, 0, 0])
    // approve and restart were jumped over in C (completed); tell also in C, and never reached in B (failed).
    expect(pick('approve')).toEqual([2, 0, 1, 0, 0, 30])
    expect(pick('restart')).toEqual([2, 1, 1, 0, 0, 12.5])
    expect(pick('tell')).toEqual([1, 0, 1, 0, 0, 1])
    expect(step('latency').heldValues).toEqual({ onWorking: [2500], onOther: [2200] })
    expect(step('restart').gate).toEqual({ auto: { ran: 1, failed: 1 }, human: { ran: 1, failed: 0 } })
  })

  it('gives the outcomes, approval latency and time to mitigate against the same service', () => {
    const all = figures!.all
    expect([all.runs, all.incidents, all.decidedRuns]).toEqual([3, 3, 1])
    expect(all.outcomes).toEqual({ worked: 1, partly: 0, failed: 1, other_fix: 1, not_recorded: 0 })
    expect(all.approvals).toEqual({ decided: 1, medianLatencySeconds: 60, autoApproved: 1, rejected: 0, expired: 0 })
    // With: 300 and 900 → 600. Without: x1, x3 (x2 ran another playbook and counts; x4 ran this one) → 1200, 1800, 2400 → 1800.
    expect(all.mitigation.withPlaybook).toEqual({ medianSeconds: 600, n: 2 })
    expect(all.mitigation.without).toEqual({ medianSeconds: 1800, n: 3 })
    expect(all.mitigation.comparison).toBe('service')
    expect(all.mitigation.wording).toBe('time to mitigate 10 min (median of 2) vs 30 min without it (median of 3 incidents of the same service)')
  })
})

describe('suggested edits', () => {
  // errors finds something now and then but is never the last finding before the gate; pool is; noise never finds anything.
  const pb = playbook('pool', [query('errors'), query('pool', 90), query('noise'), ...gateAndAction(true)])
  function history12(count: number) {
    const runs: RunRecord[] = []
    for (let i = 0; i < count; i++) {
      const worked = i < Math.ceil((count * 7) / 12)
      const failed = !worked && i % 2 === 1
      const pool = worked ? 95 + (i % 5) : 90.5 + (i % 3)
      const by = failed ? 'policy' : 'U1'
      runs.push(
        run(pb, {
          outcome: worked ? 'worked' : failed ? 'failed' : 'other_fix',
          steps: [
            ['errors', 'query', 'succeeded', { passed: i % 3 === 0, value: i }, 3],
            ['pool', 'query', 'succeeded', { passed: true, value: pool }, 3],
            ['noise', 'query', 'succeeded', { passed: false, value: 0 }, 40],
            ['approve', 'approval', 'succeeded', { decision: 'approved', by }, 60],
            ['restart', 'action', failed ? 'failed' : 'succeeded', {}, 5],
          ],
        }),
      )
    }
    const [figures] = computePlaybookEffectiveness(history([pb], runs))
    return figures!
  }

  it('drops the step that never decides, moves the one that finds but never decides, raises a threshold that fires when it did not help', () => {
    const figures = history12(12)
    expect(figures.versions[0]!.steps.find((s) => s.stepId === 'pool')!.decisive).toBe(7)
    const suggestions = suggestPlaybookEdits(figures, pb)
    expect(suggestions.map((s) => `${s.kind} ${s.summary}`)).toEqual([
      'move-step move step errors to the end: ran 12 times, found something 4 times, decided none',
      'raise-threshold raise the threshold of pool from 90 to 94: it held on 5 incidents the playbook did not fix',
      'drop-step drop step noise: ran 12 times, found nothing and decided none',
      'add-approval require a person to approve restart: it failed 3 of 3 times it was auto-approved',
    ])
    const drop = suggestions.find((s) => s.kind === 'drop-step')!
    expect(drop.edited.steps.map((s) => s.id)).toEqual(['errors', 'pool', 'approve', 'restart'])
    expect(drop.edited.version).toBe(2)
    expect(drop.baseVersion).toBe(1)
    expect(drop.evidence).toContain('decisive in 0 of the 7 incidents the playbook fixed (7 had a decisive step)')
    expect(drop.evidence).toContain('median time spent on it: 40 s')
    const raise = suggestions.find((s) => s.kind === 'raise-threshold')!
    expect(raise.evidence).toEqual([
      'max > 90 held on 5 incidents the playbook did not fix (values 90.5–92.5)',
      'and on 7 incidents it fixed (values 95–99)',
      'at > 94 it would have held on 7 of 7 fixed and 0 of 5 not fixed',
      'v1: 12 runs on 12 incidents; worked 7, partly 0, failed 3, fixed otherwise 2, not recorded 0',
    ])
    const human = suggestions.find((s) => s.kind === 'add-approval')!
    expect(human.edited.steps.find((s) => s.id === 'approve')).not.toHaveProperty('autoApprove')
    for (const s of suggestions) expect(playbookSchema.safeParse(s.edited).success).toBe(true)
  })

  it('adds the log query responders ran by hand in two incidents, before the gate, and not one they ran once or the playbook has', () => {
    const figures = history12(12)
    const pbWithLogs = playbook('pool', [
      query('errors'),
      { id: 'timeouts', kind: 'query', title: 'timeouts', source: 'logs', contains: 'Timeout', assert: { stat: 'count', op: '>', value: 0, description: 't' } },
      ...gateAndAction(),
    ])
    const pin = (incidentId: string, text: string) => handRunLogQueriesIn(text).map((q) => ({ incidentId, ...q }))
    const link = (lql: string) => `<https://console.cloud.google.com/logs/query;query=${encodeURIComponent(lql)};duration=PT1H?project=p|logs>`
    const queries = [
      ...pin('inc-1', `look ${link('resource.type="k8s_container"\nseverity>=ERROR\n"pool exhausted"')}`),
      ...pin('inc-2', `same again ${link('severity>=ERROR "pool exhausted"')} and ${link('"pool exhausted"')}`),
      ...pin('inc-3', link('"deadlock detected"')),
      ...pin('inc-1', link('"timeout"')),
      ...pin('inc-2', link('"timeout"')),
    ]
    const added = suggestPlaybookEdits(figures, { ...pbWithLogs, version: 1 }, DEFAULT_SUGGESTION_THRESHOLDS, queries).filter((s) => s.kind === 'add-query')
    expect(added.map((s) => s.summary)).toEqual(['add step hand-logs-pool-exhausted: responders searched the logs for "pool exhausted" by hand in 2 incidents'])
    const step = added[0]!.edited.steps.find((s) => s.id === 'hand-logs-pool-exhausted')
    expect(step).toMatchObject({ kind: 'query', source: 'logs', contains: 'pool exhausted', assert: { stat: 'count', op: '>', value: 0 } })
    // Not every query said a severity, so the step does not narrow to one.
    expect(step).not.toHaveProperty('minSeverity')
    expect(added[0]!.edited.steps.map((s) => s.id)).toEqual(['errors', 'timeouts', 'hand-logs-pool-exhausted', 'approve', 'restart'])
    expect(added[0]!.evidence[0]).toBe('a Logs Explorer query for "pool exhausted" was pinned to the timeline of 2 of the 12 incidents v1 ran on')
    expect(playbookSchema.safeParse(added[0]!.edited).success).toBe(true)
  })

  it('reads the free-text term and severity of a Logs Explorer link, and nothing from a query of field comparisons only', () => {
    const link = (lql: string) => `https://console.cloud.google.com/logs/query;query=${encodeURIComponent(lql)};timeRange=PT1H?project=p`
    expect(handRunLogQueriesIn(`see ${link('severity>=WARNING\n"connection refused"')}`)).toEqual([{ contains: 'connection refused', minSeverity: 'WARNING' }])
    expect(handRunLogQueriesIn(link('resource.type="cloud_run_revision"\nOOMKilled'))).toEqual([{ contains: 'OOMKilled' }])
    expect(handRunLogQueriesIn(link('resource.type="gce_instance" AND severity>=ERROR'))).toEqual([])
    expect(handRunLogQueriesIn('https://console.cloud.google.com/logs/query;query=%E0%A4%A')).toEqual([])
  })

  it('suggests nothing from too few runs', () => {
    expect(suggestPlaybookEdits(history12(9), pb).filter((s) => s.kind === 'drop-step' || s.kind === 'move-step')).toEqual([])
    expect(suggestPlaybookEdits(history12(4), pb)).toEqual([])
  })
})
