import { truncateText } from '../../core/truncate-text'
import type { KnownBlock } from '@slack/types'
import type { PlaybookOffer, StepRecordView, StepResultView } from '../../core/incidents/incident-thread'
import type { Playbook, PlaybookStep } from '../../core/playbooks/schema'
import { context, escapeMrkdwn, link, section, type SlackMessage } from './block-kit'

const STATUS_ICON: Record<string, string> = { succeeded: ':white_check_mark:', failed: ':x:', skipped: ':fast_forward:', waiting: ':hourglass_flowing_sand:' }

function stepLine(step: PlaybookStep, index: number, record: StepRecordView | undefined, nextStep: number): string {
  // A step before the current one with no record was jumped over by a branch.
  const icon = record ? STATUS_ICON[record.status] : index === nextStep ? ':arrow_forward:' : index < nextStep ? STATUS_ICON.skipped : ':white_small_square:'
  // A query step's stored `passed`: whether its condition held.
  const held = record?.outcome.passed
  const verdict = step.kind === 'query' && record?.status === 'succeeded' ? (held ? ' — *yes*' : ' — no') : ''
  return `${icon} ${index + 1}. ${escapeMrkdwn(step.title)} _(${step.kind})_${verdict}`
}

export const CANCEL_EXECUTION_ACTION_ID = 'execution_cancel'
export const MANUAL_DONE_ACTION_ID = 'manual_step_done'
export const RUN_PLAYBOOK_ACTION_ID = 'playbook_run'

/**
 * Playbooks the analysis found applicable, each with a Run button (value `<playbook id>:<incident number>`).
 * `started` names the one already running on its own, if any.
 */
export function buildPlaybookOffersMessage(offers: PlaybookOffer[], incidentNumber: number, started: string | null): SlackMessage {
  const intro = started
    ? `:clipboard: Running *${escapeMrkdwn(started)}* (read-only steps first). Other playbooks that apply:`
    : ':clipboard: No playbook was started on its own. These apply — run one if it fits:'
  const blocks: KnownBlock[] = [section(intro)]
  for (const offer of offers.slice(0, 5)) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*${escapeMrkdwn(offer.title)}* \`${escapeMrkdwn(offer.id)}\`\n${escapeMrkdwn(offer.reasons.join('; ') || 'matches the incident')}`.slice(
          0,
          3000,
        ),
      },
      accessory: {
        type: 'button',
        action_id: `${RUN_PLAYBOOK_ACTION_ID}:${offer.id}`.slice(0, 255),
        text: { type: 'plain_text', text: 'Run' },
        value: `${offer.id}:${incidentNumber}`,
      },
    })
  }
  return { text: started ? `Other playbooks for INC-${incidentNumber}` : `Playbooks for INC-${incidentNumber}`, blocks }
}

/** A step a person does by hand; the button's value is `<execution id>:<step position>`. */
export function buildManualStepMessage(title: string, instruction: string, value: string): SlackMessage {
  const text = `:hand: *${escapeMrkdwn(title)}*\n${escapeMrkdwn(instruction)}`
  return {
    text: `Manual step: ${escapeMrkdwn(title)}`,
    blocks: [
      section(text),
      {
        type: 'actions',
        block_id: `manual:${value}`,
        elements: [{ type: 'button', action_id: MANUAL_DONE_ACTION_ID, text: { type: 'plain_text', text: 'Done' }, style: 'primary', value }],
      },
    ],
  }
}

export function buildManualStepDoneMessage(title: string, instruction: string, userId: string): SlackMessage {
  const text = `:white_check_mark: *${escapeMrkdwn(title)}*\n${escapeMrkdwn(instruction)}`
  return { text: `Manual step done: ${escapeMrkdwn(title)}`, blocks: [section(text), context(`Done, confirmed by <@${userId}>`)] }
}

/** Past this a step's finding is cut on the progress message. */
const FINDING_CHARS = 200

/** What a finished step found, in one line: a query's or check's summary, an action's result, a notify's message. */
function stepFinding(step: PlaybookStep, record: StepRecordView | undefined, render: (t: string) => string): string {
  if (!record || record.status === 'waiting') return ''
  const o = record.outcome
  const said = [o.error, o.summary, o.detail].find((v): v is string => typeof v === 'string' && v.length > 0)
  const text = said ?? (step.kind === 'notify' ? render(step.message) : '')
  if (!text) return ''
  const [first = ''] = text.split('\n')
  const line = truncateText(first, FINDING_CHARS)
  return `: ${typeof o.link === 'string' ? link(o.link, line) : escapeMrkdwn(line)}`
}

/** Lines as consecutive sections within Slack's 3000 characters each. */
function lineSections(lines: string[]): KnownBlock[] {
  const out: KnownBlock[] = []
  let current = ''
  for (const line of lines) {
    if (current && current.length + line.length + 1 > 3000) {
      out.push(section(current))
      current = ''
    }
    current = current ? `${current}\n${line}` : line
  }
  if (current) out.push(section(current))
  return out
}

/**
 * The one progress message of a playbook run, edited in place after every step. With `findings`,
 * each finished step's line also says what it found, so no step needs a message of its own.
 */
export function buildExecutionProgressMessage(
  playbook: Playbook,
  execution: { id: string; status: string; nextStep: number; incidentNumber: number; startedBy: string },
  records: StepRecordView[],
  vars: Record<string, unknown>,
  render: (t: string) => string,
  options: { findings?: boolean } = {},
): SlackMessage {
  const byPosition = new Map(records.map((r) => [r.position, r]))
  const lines = playbook.steps.map((s, i) => {
    const line = stepLine({ ...s, title: render(s.title) } as PlaybookStep, i, byPosition.get(i), execution.nextStep)
    return options.findings ? `${line}${stepFinding(s, byPosition.get(i), render)}` : line
  })
  const status = execution.status.replace('_', ' ')
  const blocks: KnownBlock[] = [
    section(`:clipboard: *Playbook: ${escapeMrkdwn(playbook.title)}* (v${playbook.version}) — *${status}*`),
    ...lineSections(lines),
    context(
      `INC-${execution.incidentNumber} · service ${escapeMrkdwn(String(vars.service ?? 'unknown'))} · ` +
        `started by ${execution.startedBy === 'system' ? 'sre-agent' : `<@${execution.startedBy}>`} · ` +
        'read-only steps run on their own; actions wait for approval',
    ),
  ]
  if (execution.status === 'running' || execution.status === 'waiting_approval' || execution.status === 'waiting_manual') {
    blocks.push({
      type: 'actions',
      block_id: `execution:${execution.id}`,
      elements: [
        {
          type: 'button',
          action_id: CANCEL_EXECUTION_ACTION_ID,
          text: { type: 'plain_text', text: 'Cancel run' },
          value: execution.id,
          confirm: {
            title: { type: 'plain_text', text: 'Cancel this run?' },
            text: { type: 'plain_text', text: 'Steps not yet run will not run, and open approvals expire.' },
            confirm: { type: 'plain_text', text: 'Cancel run' },
            deny: { type: 'plain_text', text: 'Keep going' },
          },
        },
      ],
    })
  }
  return { text: `Playbook ${escapeMrkdwn(playbook.title)}: ${status}`, blocks }
}

export function buildStepResultMessage(title: string, outcome: StepResultView): SlackMessage {
  const icon = outcome.flagged ? ':large_orange_diamond:' : ':white_circle:'
  const text = `${icon} *${escapeMrkdwn(title)}*\n${escapeMrkdwn(outcome.summary)}`
  const blocks: KnownBlock[] = [section(text)]
  const extra = outcome.detail.split('\n').slice(1).join('\n')
  if (extra) blocks.push(context(escapeMrkdwn(extra)))
  if (outcome.link) blocks.push(context(link(outcome.link, 'Open in Cloud console')))
  return { text: `${escapeMrkdwn(title)}: ${escapeMrkdwn(outcome.summary)}`, blocks }
}

export function buildNotifyMessage(text: string, about: { incidentNumber: number; permalink: string | null }): SlackMessage {
  const blocks = [section(`:loudspeaker: ${escapeMrkdwn(text)}`)]
  if (about.permalink) blocks.push(context(`About ${link(about.permalink, `INC-${about.incidentNumber}`)}`))
  return { text: escapeMrkdwn(text), blocks }
}

export function buildActionResultMessage(title: string, ok: boolean, detail: string): SlackMessage {
  const text = `${ok ? ':white_check_mark:' : ':x:'} Action *${escapeMrkdwn(title)}* ${ok ? 'done' : 'failed'}: ${escapeMrkdwn(detail)}`
  return { text, blocks: [section(text)] }
}

/** A run that stopped on an error: what stopped it, and that nothing after it ran. */
export function buildRunFailedMessage(playbookTitle: string, reason: string): SlackMessage {
  const text =
    `:x: Playbook *${escapeMrkdwn(playbookTitle)}* stopped: ${escapeMrkdwn(reason)}. ` +
    'The steps after it did not run; start it again with `/sre run` once the cause is fixed.'
  return { text, blocks: [section(text)] }
}
