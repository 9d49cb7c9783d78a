import { describe, expect, it } from 'vitest'
import type { AnalysisResult } from '../../../../src/core/analysis/analyze-incident'
import type { EvidenceItem } from '../../../../src/core/analysis/evidence'
import { findBlockKitViolations } from '../../../../src/embedded/slack-simulator'
import {
  ANALYSIS_SECTION_ACTION_ID,
  buildAnalysisSummaryMessage,
  buildEvidenceSectionMessages,
  strongestEvidence,
} from '../../../../src/slack/blocks/analysis-summary-blocks'
import { buildExecutionProgressMessage } from '../../../../src/slack/blocks/playbook-blocks'
import { loadPlaybookFiles } from '../../../../src/storage/playbook-files'

const HOSTILE = '<!channel> <@U123> <https://evil.example|approve here> & more'
const long = (n: number) => 'x'.repeat(n)

function evidence(source: EvidenceItem['source'], title: string, anomalous: boolean, detail = 'detail'): EvidenceItem {
  return { source, title, detail, link: 'https://console.cloud.google.com/x', anomalous, data: {} }
}

function analysis(overrides: Partial<AnalysisResult> = {}): AnalysisResult {
  const past = {
    id: 'p1',
    number: 7,
    title: `orders-db pool exhausted ${HOSTILE} ${long(600)}`,
    service: 'orders-db',
    resourceType: null,
    policyName: null,
    startedAt: new Date(),
    resolvedAt: new Date(),
    rootCause: long(2000),
    resolution: `restarted pgbouncer ${HOSTILE} ${long(3000)}`,
    resolutionOutcome: 'worked' as const,
    playbookId: 'p',
  }
  return {
    embedding: [],
    matches: [{ incident: past, similarity: 0.9, matchedOn: ['same service'] }],
    steps: Array.from({ length: 8 }, (_, i) => ({
      position: i + 1,
      question: `Q${i}`,
      query: long(500),
      decision: long(1500),
      discarded: [],
      evidence: Array.from({ length: 12 }, (_, j) => evidence(j % 2 ? 'logs' : 'metrics', `${HOSTILE} ${long(400)}`, j % 3 === 0, `${HOSTILE}\n${long(4000)}`)),
    })),
    hypothesis: null,
    playbook: null,
    alternatives: [],
    probableCause: null,
    confidence: 0.42,
    factors: [
      { name: 'evidence_support', value: 0.9, weight: 2, explanation: HOSTILE },
      { name: 'retrieval_margin', value: 0.1, weight: 0.5, explanation: long(500) },
      { name: 'history_agreement', value: 0.3, weight: 1.4, explanation: 'x' },
    ],
    confident: false,
    summary: `${HOSTILE} ${long(5000)}`,
    missingSources: [{ source: 'traces', reason: HOSTILE }],
    ...overrides,
  }
}

describe('the compact analysis message', () => {
  it('stays within Slack limits for an oversized analysis, and escapes alert text everywhere, the fallback text included', () => {
    const message = buildAnalysisSummaryMessage('5f0c5a52-3c47-4a43-9b0c-2a0e6a1f4f00', analysis())
    expect(findBlockKitViolations(message.blocks)).toEqual([])
    const all = `${message.text}${JSON.stringify(message.blocks)}`
    expect(all).not.toContain('<!channel>')
    expect(all).not.toContain('<@U123>')
    expect(all).not.toContain('<https://evil.example')
    expect(message.text).toContain('&lt;!channel&gt;')
  })

  it('shows the closest past incident and what fixed it, folds the factors into one line, and offers the three sections', () => {
    const text = JSON.stringify(buildAnalysisSummaryMessage('a1', analysis()).blocks)
    expect(text).toContain('*INC-7*')
    expect(text).toContain('Fixed by: restarted pgbouncer')
    expect(text).toContain(':white_check_mark: worked')
    expect(text).toContain('Carried by evidence support 90%')
    expect(text).toContain('held back by retrieval margin 10%, history agreement 30%')
    expect(text).not.toContain('weight 2')
    for (const section of ['evidence', 'trail', 'similar']) expect(text).toContain(`"action_id":"${ANALYSIS_SECTION_ACTION_ID}:${section}"`)
    expect(text).toContain('"value":"a1"')
  })

  it('says so when nothing similar was found and no telemetry was examined', () => {
    const text = JSON.stringify(buildAnalysisSummaryMessage('a1', analysis({ matches: [], steps: [], factors: [], missingSources: [] })).blocks)
    expect(text).toContain('nothing similar in the history')
    expect(text).toContain('No telemetry could be examined')
  })

  it('picks the strongest evidence: anomalous first, one per source before a second of any', () => {
    const items = [
      evidence('metrics', 'm1', true),
      evidence('metrics', 'm2', true),
      evidence('logs', 'l1', false),
      evidence('errors', 'e1', true),
      evidence('traces', 't1', false),
    ]
    expect(strongestEvidence(items, 3).map((e) => e.title)).toEqual(['m1', 'e1', 'm2'])
    expect(strongestEvidence(items.slice(2), 3).map((e) => e.title)).toEqual(['e1', 'l1', 't1'])
  })
})

describe('the evidence section posted on demand', () => {
  it('holds every telemetry item, in as many messages as Slack allows, each part saying which it is', () => {
    const steps = analysis().steps.map((step, i) => ({
      ...step,
      evidence: step.evidence.map((e, j) => ({ ...e, title: `item ${i}.${j} ${HOSTILE}` })),
    }))
    const messages = buildEvidenceSectionMessages(steps)
    expect(messages.length).toBeGreaterThan(1)
    for (const [i, m] of messages.entries()) {
      expect(findBlockKitViolations(m.blocks)).toEqual([])
      expect(m.text).toBe(`Evidence: 96 items (part ${i + 1} of ${messages.length})`)
    }
    const all = JSON.stringify(messages.map((m) => m.blocks))
    for (let i = 0; i < 8; i++) for (let j = 0; j < 12; j++) expect(all).toContain(`item ${i}.${j} `)
    expect(all).not.toContain('<!channel>')
  })
})

describe("the run's progress message with its steps' findings", () => {
  const playbook = loadPlaybookFiles('test/fixtures/playbooks').find((p) => p.id === 'db-connection-test')!
  const execution = { id: 'e1', status: 'running', nextStep: 2, incidentNumber: 3, startedBy: 'system' }
  const records = [
    {
      position: 0,
      status: 'succeeded' as const,
      outcome: { passed: true, summary: `max = 99% → yes ${HOSTILE}\nsecond line`, link: 'https://console.cloud.google.com/m' },
    },
    { position: 1, status: 'failed' as const, outcome: { passed: false, error: long(5000) } },
  ]
  const render = (t: string) => t.replace('{{service}}', 'orders-db')

  it('gives each finished step its finding on its line, escaped and cut, and leaves them out without `findings`', () => {
    const compact = buildExecutionProgressMessage(playbook, execution, records, {}, render, { findings: true })
    expect(findBlockKitViolations(compact.blocks)).toEqual([])
    const text = JSON.stringify(compact.blocks)
    expect(text).toContain('<https://console.cloud.google.com/m|max = 99% → yes &lt;!channel&gt;')
    expect(text).not.toContain('second line')
    expect(text).toMatch(/2\. Connection timeout logs on orders-db _\(query\)_: x{100,199}…/)
    const full = JSON.stringify(buildExecutionProgressMessage(playbook, execution, records, {}, render).blocks)
    expect(full).not.toContain('max = 99%')
  })

  it('spreads many long findings over sections of at most 3000 characters', () => {
    const many = { ...playbook, steps: Array.from({ length: 40 }, (_, i) => ({ ...playbook.steps[0]!, id: `s${i}`, title: `${long(150)} ${i}` })) }
    const manyRecords = many.steps.map((_, i) => ({ position: i, status: 'succeeded' as const, outcome: { passed: true, summary: long(400) } }))
    const message = buildExecutionProgressMessage(many, { ...execution, nextStep: 40 }, manyRecords, {}, render, { findings: true })
    expect(findBlockKitViolations(message.blocks)).toEqual([])
    expect(JSON.stringify(message.blocks)).not.toContain('continued in the trail')
    expect(JSON.stringify(message.blocks)).toContain(`${long(150)} 39`)
  })
})
