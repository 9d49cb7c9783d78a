import { buildAnalysisSummaryMessage, buildEvidenceSectionMessages } from '../../../../src/slack/blocks/analysis-summary-blocks'
import type { KnownBlock } from '@slack/types'
import { describe, expect, it } from 'vitest'
import type { AnalysisResult } from '../../../../src/core/analysis/analyze-incident'
import type { ApprovalRequestView } from '../../../../src/core/approvals/approval-request-view'
import type { RetrievalSummary } from '../../../../src/core/correlation/summarize-retrieval'
import type { PastIncidentMatch } from '../../../../src/core/correlation/past-incident-match'
import type { Playbook } from '../../../../src/core/playbooks/schema'
import type { ReasoningStep } from '../../../../src/core/reasoning/reasoning-step'
import { findBlockKitViolations } from '../../../../src/embedded/slack-simulator'
import { forewarningEvidence } from '../../../../src/core/warnings/forewarning-evidence'
import {
  buildAnalysisFailedMessage,
  buildAssessmentMessage,
  buildEvidenceMessage,
  buildReasoningTrailMessages,
  buildSimilarIncidentsMessage,
} from '../../../../src/slack/blocks/analysis-blocks'
import { buildApprovalEscalationMessage, buildApprovalRequestMessage } from '../../../../src/slack/blocks/approval-blocks'
import { context, escapeMrkdwn, fields, link, section, type SlackMessage } from '../../../../src/slack/blocks/block-kit'
import { buildHelpMessage, buildPlaybookListMessage } from '../../../../src/slack/blocks/help-blocks'
import {
  buildIncidentRootMessage,
  buildResolvedReply,
  buildStormMembersMessage,
  buildTestNotificationMessage,
  type IncidentView,
} from '../../../../src/slack/blocks/incident-blocks'
import {
  buildIncidentChannelLink,
  buildNoIncidentChannelMessage,
  buildPinFailedMessage,
  buildUninvitedMessage,
} from '../../../../src/slack/blocks/incident-channel-blocks'
import {
  alreadyAcknowledgedText,
  buildAcknowledgedLine,
  buildCommanderChangedLine,
  buildDeclareModal,
  buildSeverityChangedLine,
  buildStatusUpdateLine,
  buildStatusUpdateModal,
} from '../../../../src/slack/blocks/lifecycle-blocks'
import { buildResolutionRecordedMessage, buildResolveModal } from '../../../../src/slack/blocks/resolution-blocks'
import {
  buildActionResultMessage,
  buildExecutionProgressMessage,
  buildManualStepDoneMessage,
  buildManualStepMessage,
  buildNotifyMessage,
  buildPlaybookOffersMessage,
  buildRunFailedMessage,
  buildStepResultMessage,
} from '../../../../src/slack/blocks/playbook-blocks'
import { buildTelemetryWarningMessage } from '../../../../src/slack/blocks/telemetry-warning-blocks'
import { buildTimelineMessages } from '../../../../src/slack/blocks/timeline-blocks'
import { buildReviewMessages } from '../../../../src/slack/blocks/review-blocks'
import {
  buildFollowupAddedMessage,
  buildFollowupListMessage,
  buildFollowupModal,
  buildFollowupReminderMessage,
} from '../../../../src/slack/blocks/followup-blocks'
import type { FollowupActionView } from '../../../../src/core/incidents/followup-action'
import { loadPlaybookFiles } from '../../../../src/storage/playbook-files'
import hostile from '../../../fixtures/slack/hostile-strings.json'
import { buildBlueprintChangesMessage } from '../../../../src/slack/blocks/blueprint-blocks'
import type { BlueprintEdge } from '../../../../src/core/blueprint/blueprint-edge'
import { describeBlueprintChange } from '../../../../src/core/blueprint/describe-blueprint-change'
import { analyzeCapacity } from '../../../../src/core/capacity/analyze-capacity'
import { buildCapacityMessage, buildScaleOfferMessage } from '../../../../src/slack/blocks/capacity-blocks'
import { playbookProposalView } from '../../../../src/core/playbooks/playbook-proposal'
import { buildApproveReasonModal, buildPlaybookProposalMessage, buildPlaybookVersionMessage } from '../../../../src/slack/blocks/playbook-proposal-blocks'
import { buildHomeView } from '../../../../src/slack/blocks/home-blocks'
import type { HomeDashboard } from '../../../../src/core/home/home-dashboard'

/** Two weeks of hourly points at `value`, for the capacity message's numbers. */
function hourlyPoints(value: number): Array<{ at: Date; value: number }> {
  return Array.from({ length: 14 * 24 }, (_, i) => ({ at: new Date(Date.UTC(2026, 0, 4) + i * 3_600_000), value: value * (1 + Math.sin(i / 4) / 4) }))
}

function hostileEdge(h: string): BlueprintEdge {
  return {
    from: h,
    to: h,
    kind: 'call',
    source: 'observed',
    firstSeen: new Date(0),
    lastSeen: new Date(0),
    callsPerHour: 1,
    errorRate: 0,
    p95Ms: 1,
    version: 1,
    retiredAt: null,
  }
}

/** Slack ids the bot itself puts in messages (configured approvers, the clicking user, a channel it created): the only mentions allowed. */
const TRUSTED_IDS = ['U0ALICE', 'U0BOB', 'S0ONCALL', 'C0INC7']
const basePlaybook = loadPlaybookFiles('test/fixtures/playbooks')[0]!

/** The link a URL field may become: http(s) only, with the characters that end Slack's `<url|label>` percent-encoded. */
function expectedLinkUrl(url: string): string | null {
  if (!/^https?:\/\/[^/]/i.test(url.trim())) return null
  return url.trim().replace(/[<>|\s]/g, (c) => encodeURIComponent(c))
}

/**
 * Every `<…>` that Slack would parse in mrkdwn: dates are fine, mentions only of trusted ids,
 * links only to http(s) URLs that came from a URL field. What is left must hold no `<` or `>`.
 */
function unsafeSequences(text: string, allowedUrls: Set<string>): string[] {
  const problems: string[] = []
  const rest = text.replace(/<([^<>]*)>/g, (token, inner: string) => {
    if (/^!date\^\d+\^[^|]*\|[^|]*$/.test(inner)) return ''
    const mention = /^(?:@|#|!subteam\^)([A-Z0-9]+)$/.exec(inner)
    if (mention && TRUSTED_IDS.includes(mention[1]!)) return ''
    // Slack ends the URL at the first `|`; the label after it is shown as text.
    const url = inner.split('|')[0]!
    if (/^https?:\/\/\S+$/i.test(url) && allowedUrls.has(url)) return ''
    problems.push(token)
    return ''
  })
  if (/[<>]/.test(rest)) problems.push(`stray bracket in ${JSON.stringify(rest.slice(0, 200))}`)
  return problems
}

/** The top-level text and every mrkdwn text object of the blocks (plain_text is never parsed for mentions or links). */
function mrkdwnTexts(message: SlackMessage): string[] {
  const out = [message.text]
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk)
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text)
      Object.values(o).forEach(walk)
    }
  }
  walk(message.blocks)
  return out
}

function analysis(h: string): AnalysisResult {
  const match: PastIncidentMatch = {
    incident: {
      id: 'p1',
      number: 3,
      title: h,
      service: h,
      resourceType: null,
      policyName: null,
      startedAt: new Date(0),
      resolvedAt: new Date(0),
      rootCause: h,
      resolution: h,
      resolutionOutcome: 'worked',
      playbookId: null,
    },
    similarity: 0.8,
    matchedOn: [h],
  }
  const step: ReasoningStep = {
    position: 1,
    question: h,
    query: h,
    decision: h,
    discarded: [{ hypothesis: h, reason: h }],
    evidence: [{ source: 'logs', title: h, detail: h, link: h, anomalous: true, data: {} }],
  }
  return {
    embedding: null,
    matches: [match],
    steps: [step],
    hypothesis: null,
    playbook: null,
    probableCause: null,
    alternatives: [],
    confidence: 0.4,
    factors: [{ name: 'evidence_support', value: 0.5, weight: 1, explanation: h }],
    confident: false,
    summary: h,
    missingSources: [{ source: 'traces', reason: h }],
  }
}

function approval(h: string, status: ApprovalRequestView['status']): ApprovalRequestView {
  return {
    id: 'a1',
    action: { stepId: 's', title: h, preview: h, risk: 'high', method: h, url: h, body: { [h]: h }, dryRun: h },
    rationale: h,
    confidence: 0.7,
    status,
    decidedBy: status === 'pending' ? null : 'U0ALICE',
    decidedAt: status === 'pending' ? null : new Date(0),
    expiresAt: new Date(0),
    approvers: ['U0ALICE', 'S0ONCALL'],
    minApprovals: 2,
    approvedBy: status === 'pending' ? ['U0BOB'] : ['U0BOB', 'U0ALICE'],
  }
}

const incident = (h: string, status: IncidentView['status']): IncidentView => ({
  number: 7,
  title: h,
  service: h,
  severity: h,
  status,
  source: h,
  startedAt: new Date(0),
  resolvedAt: status === 'resolved' ? new Date(60_000) : null,
  alertCount: 2,
  url: h,
  summary: h,
  links: [{ label: h, url: h }],
})

const retrieval = (h: string): RetrievalSummary => ({
  mode: 'hybrid',
  embeddingModel: h,
  keywords: [h],
  errorSignature: h,
  notes: [h],
  confidence: { probability: 0.3, logit: null, features: null },
  confident: false,
  calibration: { method: 'prior', samples: 0 },
})

const playbook = (h: string): Playbook => ({ ...basePlaybook, title: h, steps: basePlaybook.steps.map((s) => ({ ...s, title: h })) })

/** Every Block Kit builder, fed the hostile string in every field that comes from an alert, a log, a playbook's variables or a user. */
const BUILDERS: Array<[string, (h: string) => SlackMessage | SlackMessage[]]> = [
  [
    'section / context / fields / link primitives',
    (h) => ({ text: escapeMrkdwn(h), blocks: [section(link(h, h)), context(link(h, h)), fields([['k', link(h, h)]])] }),
  ],
  [
    'incident root (open)',
    (h) => buildIncidentRootMessage(incident(h, 'open'), { phase: 'analyzed', summary: h, confidence: 0.5, playbookTitle: h, executionStatus: h }),
  ],
  ['incident root (resolved)', (h) => buildIncidentRootMessage(incident(h, 'resolved'), { phase: 'new' })],
  [
    'incident root with its lifecycle (commander, acknowledgement, latest update)',
    (h) =>
      buildIncidentRootMessage(
        {
          ...incident(h, 'open'),
          commanderId: h,
          acknowledgedBy: h,
          acknowledgedAt: new Date(0),
          latestUpdate: { stage: 'identified', text: h, by: h, at: new Date(0) },
        },
        { phase: 'analyzed' },
      ),
  ],
  ['resolved reply', (h) => buildResolvedReply(incident(h, 'resolved'))],
  ['declare modal', (h) => ({ text: '', blocks: buildDeclareModal({ channel: h, initialTitle: h }).blocks as KnownBlock[] })],
  [
    'status update modal',
    (h) => ({ text: '', blocks: buildStatusUpdateModal({ incidentId: h, label: h, title: h, stage: 'monitoring', channel: h }).blocks as KnownBlock[] }),
  ],
  ['acknowledged line', (h) => buildAcknowledgedLine(h, h, 60, true)],
  ['already acknowledged', (h) => ({ text: alreadyAcknowledgedText(h, h, new Date(0)), blocks: [section(alreadyAcknowledgedText(h, h, new Date(0)))] })],
  ['status update line', (h) => buildStatusUpdateLine(h, { stage: 'monitoring', text: h, by: h, at: new Date(0) }, true)],
  ['severity changed line', (h) => buildSeverityChangedLine(h, h, 'critical', h)],
  ['commander changed line', (h) => buildCommanderChangedLine(h, h, 'U0ALICE')],
  ['test notification', (h) => buildTestNotificationMessage({ sender: h, policy: h })],
  ['storm members', (h) => buildStormMembersMessage([{ ...incident(h, 'open'), number: 8 }])],
  ['incident channel link (open)', (h) => buildIncidentChannelLink(incident(h, 'open'), { id: 'C0INC7', name: h })],
  ['incident channel link (resolved)', (h) => buildIncidentChannelLink({ ...incident(h, 'resolved'), resolutionRecordedBy: h }, { id: h, name: h })],
  ['no incident channel', (h) => buildNoIncidentChannelMessage(h)],
  [
    'incident channel invitations skipped',
    (h) =>
      buildUninvitedMessage([
        { id: h, error: h },
        { id: 'U0ALICE', error: h },
      ]),
  ],
  ['incident summary not pinned', (h) => buildPinFailedMessage(h)],
  [
    'resolve modal',
    (h) => {
      const matches = [{ id: '00000000-0000-4000-8000-000000000001', label: h, title: h }]
      const modal = buildResolveModal({
        incidentId: 'i1',
        channel: null,
        label: h,
        title: h,
        fixedIt: h,
        rootCause: h,
        contributingFactors: h,
        outcome: null,
        diagnosis: null,
        matches,
        sameIncidentId: null,
        basis: [h],
      })
      return { text: '', blocks: modal.blocks as KnownBlock[] }
    },
  ],
  [
    'resolution recorded',
    (h) =>
      buildResolutionRecordedMessage(
        'INC-7',
        { resolution: h, outcome: 'partly', rootCause: h, diagnosisLabel: 'wrong', sameIncidentId: null, recordedBy: 'U0ALICE' },
        h,
        true,
      ),
  ],
  ['similar incidents', (h) => buildSimilarIncidentsMessage(analysis(h).matches, retrieval(h))],
  ['evidence', (h) => buildEvidenceMessage(analysis(h))],
  ['compact analysis summary', (h) => buildAnalysisSummaryMessage('a1', analysis(h))],
  ['evidence section on demand', (h) => buildEvidenceSectionMessages(analysis(h).steps)],
  [
    'forewarned evidence',
    (h) =>
      buildEvidenceSectionMessages([
        {
          position: 2,
          question: h,
          query: h,
          decision: h,
          discarded: [],
          evidence: [forewarningEvidence({ incidentId: 'i', incidentNumber: 7, warningId: 'w', warnedAt: new Date(0), leadMinutes: 7, summary: h })],
        },
      ]),
  ],
  ['assessment', (h) => buildAssessmentMessage(analysis(h))],
  ['analysis failed', (h) => buildAnalysisFailedMessage(h)],
  ['reasoning trail', (h) => buildReasoningTrailMessages(analysis(h).steps, { title: h, footer: [escapeMrkdwn(h)] })],
  ['approval request (pending)', (h) => buildApprovalRequestMessage(approval(h, 'pending'))],
  ['approval request (approved)', (h) => buildApprovalRequestMessage(approval(h, 'approved'))],
  [
    'approval escalation',
    (h) => buildApprovalEscalationMessage({ actionPreview: h, contacts: ['S0ONCALL', 'U0ALICE'], restart: { playbookId: h, incidentLabel: h } }),
  ],
  ['playbook offers', (h) => buildPlaybookOffersMessage([{ id: h, title: h, reasons: [h] }], 7, h)],
  ['manual step', (h) => buildManualStepMessage(h, h, 'x:1')],
  ['manual step done', (h) => buildManualStepDoneMessage(h, h, 'U0ALICE')],
  [
    'playbook progress',
    (h) =>
      buildExecutionProgressMessage(
        playbook(h),
        { id: 'e', status: 'running', nextStep: 1, incidentNumber: 7, startedBy: 'U0BOB' },
        [],
        { service: h },
        (t) => t,
      ),
  ],
  ['step result', (h) => buildStepResultMessage(h, { flagged: true, summary: h, detail: `${h}\n${h}`, link: h })],
  ['notify', (h) => buildNotifyMessage(h, { incidentNumber: 7, permalink: h })],
  ['action result', (h) => buildActionResultMessage(h, false, h)],
  ['run failed', (h) => buildRunFailedMessage(h, h)],
  [
    'telemetry warning',
    (h) =>
      buildTelemetryWarningMessage(
        Array.from({ length: 22 }, () => ({
          warning: {
            kind: 'saturation' as const,
            service: h,
            metric: 'disk_used_ratio' as const,
            unit: h,
            level: 0.9,
            risePerMinute: 0.01,
            minutesToFull: 10,
            fullAt: new Date(0),
          },
          consoleLink: h,
        })),
        60,
      ),
  ],
  [
    'incident timeline',
    (h) =>
      buildTimelineMessages(
        {
          incident: { number: 7, title: h },
          events: [
            { at: new Date(0), kind: h, source: 'responder', actor: h, text: h, link: h },
            { at: new Date(60_000), kind: 'alert_fired', source: 'alert', actor: 'U0ALICE', text: h, link: null, until: new Date(120_000) },
            { at: new Date(90_000), kind: 'pinned_message', source: 'slack', actor: 'U0BOB', text: `${h}\n${h}`, link: h },
          ],
          undated: [{ at: null, kind: 'status_update', source: 'responder', actor: h, text: h, link: h }],
          detectedAt: new Date(0),
        },
        [h],
      ),
  ],
  [
    'post-incident review',
    (h) =>
      buildReviewMessages({
        incident: { number: 7, title: h },
        sections: [
          { id: 'summary', title: h, lines: [[h], [`Commander: `, { user: h }], [h.repeat(40)]] },
          { id: 'follow_ups', title: 'Follow-up actions', lines: [[h, ' — ', { user: 'U0ALICE' }, `, due ${h}`]] },
        ],
      }),
  ],
  ['follow-up action added', (h) => buildFollowupAddedMessage(hostileFollowup(h))],
  ['follow-up action reminder', (h) => buildFollowupReminderMessage(hostileFollowup(h))],
  [
    'follow-up action list',
    (h) =>
      buildFollowupListMessage(
        h,
        Array.from({ length: 60 }, (_, i) => hostileFollowup(h, i)),
        70,
      ),
  ],
  [
    'follow-up form',
    () => ({
      text: '',
      blocks: buildFollowupModal({ incidentId: '00000000-0000-0000-0000-000000000000', incidentNumber: 7, channel: null }).blocks as KnownBlock[],
    }),
  ],
  [
    'blueprint changes',
    (h) =>
      buildBlueprintChangesMessage(
        (['added', 'back', 'stopped', 'declared_unobserved'] as const).flatMap((kind) =>
          Array.from({ length: 9 }, () => ({
            kind,
            line: describeBlueprintChange(
              kind === 'stopped' ? { kind, edge: hostileEdge(h), lastSeen: new Date(0) } : { kind, edge: hostileEdge(h) },
              new Date(0),
            ),
          })),
        ),
      ),
  ],
  [
    'capacity suggestion',
    (h) =>
      [0.1, 0.5, 0.95].map((u) =>
        buildCapacityMessage(
          analyzeCapacity({
            service: h,
            cpu: hourlyPoints(u),
            memory: hourlyPoints(u),
            latencyP95Ms: hourlyPoints(100),
            settings: {
              source: `deployment ${h}/${h}`,
              replicas: 6,
              autoscaler: { minReplicas: 6, maxReplicas: 6 },
              cpuRequestCores: 0.5,
              cpuLimitCores: 1,
              memoryRequestGiB: 0.5,
              memoryLimitGiB: 1,
            },
          }),
        ),
      ),
  ],
  ...(['pending', 'approved', 'rejected', 'stale'] as const).map((status): [string, (h: string) => SlackMessage] => [
    `playbook edit proposal (${status})`,
    (h) => {
      const edited = { ...playbook(h), description: Array.from({ length: 400 }, (_, i) => `${h} ${i} \`\`\``).join('\n') }
      return buildPlaybookProposalMessage(
        playbookProposalView(
          {
            id: '00000000-0000-0000-0000-000000000000',
            playbookId: basePlaybook.id,
            baseVersion: 1,
            kind: 'drop-step',
            summary: h,
            evidence: Array.from({ length: 40 }, () => h),
            base: playbook(h),
            edited,
            status,
            decidedBy: status === 'pending' ? null : 'U0ALICE',
            reason: h,
            resultingVersion: status === 'approved' ? 2 : null,
          },
          { who: status === 'stale' ? 'approvers' : 'owners', ids: ['U0BOB', 'S0ONCALL'] },
          status === 'stale' ? 3 : null,
        ),
      )
    },
  ]),
  [
    'playbook version',
    (h) =>
      buildPlaybookVersionMessage({ playbookId: basePlaybook.id, title: h, version: 3, previous: 2, source: 'revert', summary: h, by: 'U0ALICE', reason: h }),
  ],
  [
    'playbook edit approval form',
    (h) => ({
      text: '',
      blocks: buildApproveReasonModal({ proposalId: '00000000-0000-0000-0000-000000000000', summary: h, channel: null, messageTs: null })
        .blocks as KnownBlock[],
    }),
  ],
  [
    'scale offer',
    (h) => buildScaleOfferMessage({ service: h, namespace: h, deployment: h, kind: 'hpa-max', from: 6, to: 9, summary: `${h} raise HPA max to 9` }, 3),
  ],
  ['help with a problem', (h) => buildHelpMessage(escapeMrkdwn(h))],
  ['App Home dashboard', (h) => ({ text: '', blocks: buildHomeView(hostileDashboard(h), { workspaceUrl: 'https://acme.slack.com/' }).blocks })],
  ['playbook list', (h) => buildPlaybookListMessage([playbook(h)])],
]

describe('Block Kit builders given hostile text (mentions, broadcasts, forged links, entities, non-http URLs)', () => {
  for (const [name, build] of BUILDERS) {
    it(`${name}: nothing from the input pings anyone or becomes a link other than an http(s) URL from a URL field`, () => {
      const found: string[] = []
      for (const h of hostile.strings) {
        const allowed = new Set([expectedLinkUrl(h)].filter((u): u is string => u !== null))
        const built = build(h)
        for (const message of Array.isArray(built) ? built : [built]) {
          expect(findBlockKitViolations(message.blocks)).toEqual([])
          for (const text of mrkdwnTexts(message)) for (const problem of unsafeSequences(text, allowed)) found.push(`${JSON.stringify(h)} → ${problem}`)
        }
      }
      expect(found).toEqual([])
    })
  }

  it('link() keeps an http(s) URL whole but encoded, and shows anything else as plain text', () => {
    expect(link('https://a/1> <!channel> <https://evil', 'open alert')).toBe('<https://a/1%3E%20%3C!channel%3E%20%3Chttps://evil|open alert>')
    expect(link('https://a/1|approve', 'x')).toBe('<https://a/1%7Capprove|x>')
    expect(link('javascript:alert(1)', 'open')).toBe('open')
    expect(link('data:text/html,<b>', 'open')).toBe('open')
    expect(link(null, '<!here>')).toBe('&lt;!here&gt;')
  })
})

function hostileFollowup(h: string, i = 0): FollowupActionView {
  return {
    id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    incidentNumber: 7,
    incidentTitle: h,
    owner: h,
    text: h,
    dueOn: h,
    status: 'open',
    createdBy: h,
    externalUrl: h,
  }
}

/** A Home dashboard whose every field from an alert or a person is `h` (two of each, so the view stays under a message's 50 blocks). */
function hostileDashboard(h: string): HomeDashboard {
  const two = [1, 2]
  return {
    userId: 'U0ALICE',
    generatedAt: new Date(0),
    incidents: two.map((n) => ({
      number: n,
      title: h,
      service: h,
      severity: h,
      responseStage: 'identified' as const,
      commanderId: h,
      acknowledgedBy: n === 1 ? null : h,
      startedAt: new Date(0),
      slackChannel: h,
      slackTs: h,
    })),
    incidentsTotal: 2,
    approvals: two.map((n) => ({
      id: `00000000-0000-0000-0000-00000000000${n}`,
      incidentNumber: n,
      title: h,
      risk: 'high' as const,
      approvedSoFar: 0,
      minApprovals: 2,
      expiresAt: new Date(0),
      slackChannel: h,
      slackTs: h,
      threadTs: h,
    })),
    followups: two.map((n) => ({ id: `10000000-0000-0000-0000-00000000000${n}`, incidentNumber: n, text: h, dueOn: h, overdue: n === 1 })),
    followupsTotal: 2,
    digest: { periodLabel: h, figures: [h, h], charts: two.map((n) => ({ fileId: `F0${n}`, title: h, altText: h })) },
  }
}
