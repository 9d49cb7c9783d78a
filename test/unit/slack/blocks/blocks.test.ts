import { describe, expect, it } from 'vitest'
import type { AnalysisResult } from '../../../../src/core/analysis/analyze-incident'
import { findBlockKitViolations } from '../../../../src/embedded/slack-simulator'
import { buildAssessmentMessage, buildEvidenceMessage, buildSimilarIncidentsMessage } from '../../../../src/slack/blocks/analysis-blocks'
import { APPROVE_ACTION_ID, REJECT_ACTION_ID, buildApprovalRequestMessage } from '../../../../src/slack/blocks/approval-blocks'
import type { ApprovalRequestView } from '../../../../src/core/approvals/approval-request-view'
import { buildIncidentRootMessage } from '../../../../src/slack/blocks/incident-blocks'

const long = (n: number) => 'x'.repeat(n)

function hugeAnalysis(): AnalysisResult {
  const past = (i: number) => ({
    id: `id-${i}`,
    number: i,
    title: `payment-api latency <@U123> ${long(400)}`,
    service: 'payment-api',
    resourceType: null,
    policyName: null,
    startedAt: new Date(),
    resolvedAt: new Date(),
    rootCause: long(2000),
    resolution: long(2000),
    resolutionOutcome: 'worked' as const,
    playbookId: 'p',
  })
  return {
    embedding: [],
    matches: Array.from({ length: 5 }, (_, i) => ({ incident: past(i), similarity: 0.9, matchedOn: ['same service'] })),
    steps: Array.from({ length: 6 }, (_, i) => ({
      position: i + 1,
      question: `Q${i}`,
      query: long(500),
      decision: long(1500),
      discarded: Array.from({ length: 5 }, () => ({ hypothesis: long(200), reason: long(300) })),
      evidence: Array.from({ length: 10 }, () => ({
        source: 'logs' as const,
        title: long(300),
        detail: long(4000),
        link: 'https://console.cloud.google.com/logs',
        anomalous: true,
        data: {},
      })),
    })),
    hypothesis: null,
    playbook: null,
    alternatives: [],
    probableCause: null,
    confidence: 0.42,
    factors: [{ name: 'evidence_support', value: 0.5, weight: 2, explanation: long(500) }],
    confident: false,
    summary: long(5000),
    missingSources: [{ source: 'traces', reason: long(500) }],
  }
}

describe('Block Kit builders', () => {
  it('stay within Slack limits even for oversized analyses', () => {
    const result = hugeAnalysis()
    for (const message of [buildSimilarIncidentsMessage(result.matches), buildEvidenceMessage(result), buildAssessmentMessage(result)]) {
      expect(findBlockKitViolations(message.blocks)).toEqual([])
      expect(message.text.length).toBeLessThanOrEqual(40_000)
    }
  })

  it('say so when they have to shorten a section', () => {
    const text = JSON.stringify(buildAssessmentMessage(hugeAnalysis()).blocks)
    expect(text).toContain('continued in the trail')
  })

  it('escape text from alerts so it cannot mention people or forge links', () => {
    const text = JSON.stringify(buildSimilarIncidentsMessage(hugeAnalysis().matches).blocks)
    expect(text).not.toContain('<@U123>')
    expect(text).toContain('&lt;@U123&gt;')
  })

  it('say a fix that partly worked in words, not as an unknown outcome', () => {
    const [match] = hugeAnalysis().matches
    const partly = { ...match!, incident: { ...match!.incident, resolution: 'circuit breaker', resolutionOutcome: 'partly' as const } }
    const text = JSON.stringify(buildSimilarIncidentsMessage([partly]).blocks)
    expect(text).toContain('Resolved by: circuit breaker (:large_yellow_circle: partly worked)')
  })

  it('show a pending approval with Approve and Reject, and a decided one without them', () => {
    const view: ApprovalRequestView = {
      id: 'a1',
      action: {
        stepId: 's',
        title: 'Restart',
        preview: 'Restart pgbouncer on checkout-db',
        risk: 'medium',
        method: 'POST',
        url: 'https://automation/x',
        body: { service: 'checkout-db' },
      },
      rationale: 'pool at 99%',
      confidence: 0.8,
      status: 'pending',
      decidedBy: null,
      decidedAt: null,
      expiresAt: new Date(),
      approvers: ['S0ONCALL'],
      minApprovals: 1,
      approvedBy: [],
    }
    const pending = buildApprovalRequestMessage(view)
    expect(findBlockKitViolations(pending.blocks)).toEqual([])
    expect(JSON.stringify(pending.blocks)).toContain(APPROVE_ACTION_ID)
    expect(JSON.stringify(pending.blocks)).toContain(REJECT_ACTION_ID)
    const approved = buildApprovalRequestMessage({ ...view, status: 'approved', decidedBy: 'U0ALICE', decidedAt: new Date(), approvedBy: ['U0ALICE'] })
    expect(JSON.stringify(approved.blocks)).not.toContain(APPROVE_ACTION_ID)
    expect(JSON.stringify(approved.blocks)).toContain('Approved by <@U0ALICE>')
  })

  it('show how many approvals a two-approver action still needs, and who gave them', () => {
    const view: ApprovalRequestView = {
      id: 'a2',
      action: {
        stepId: 's',
        title: 'Drop slots',
        preview: 'Drop inactive replication slots',
        risk: 'high',
        method: 'POST',
        url: 'https://automation/x',
        body: {},
      },
      rationale: 'disk at 97%',
      confidence: 0.7,
      status: 'pending',
      decidedBy: null,
      decidedAt: null,
      expiresAt: new Date(),
      approvers: ['S0ONCALL'],
      minApprovals: 2,
      approvedBy: ['U0ALICE'],
    }
    expect(JSON.stringify(buildApprovalRequestMessage(view).blocks)).toContain('1 of 2 approvals (<@U0ALICE>)')
    const done = buildApprovalRequestMessage({ ...view, status: 'approved', decidedBy: 'U0CAROL', decidedAt: new Date(), approvedBy: ['U0ALICE', 'U0CAROL'] })
    expect(JSON.stringify(done.blocks)).toContain('Approved by <@U0ALICE> and <@U0CAROL>')
  })

  it('builds a valid root message', () => {
    const root = buildIncidentRootMessage(
      {
        number: 7,
        title: long(300),
        service: 'payment-api',
        severity: 'critical',
        status: 'open',
        source: 'gcp',
        startedAt: new Date(),
        resolvedAt: null,
        alertCount: 3,
        url: 'https://console.cloud.google.com/x',
        summary: long(3000),
        links: [{ label: 'Runbook', url: 'https://runbooks.example/x' }],
      },
      { phase: 'analyzed', summary: long(4000), confidence: 0.7, playbookTitle: 'Slow dependency', executionStatus: 'waiting_approval' },
    )
    expect(findBlockKitViolations(root.blocks)).toEqual([])
  })
})
