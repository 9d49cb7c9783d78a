import type { KnownBlock, ModalView, PlainTextOption, StaticSelect } from '@slack/types'
import { formatDuration, SECOND_MS } from '../../core/durations'
import type { StatusUpdateView } from '../../core/incidents/incident-thread'
import type { ResponseStage } from '../../core/incidents/response-stage'
import { SEVERITIES, type Severity } from '../../core/incidents/types'
import { truncateText } from '../../core/truncate-text'
import { escapeMrkdwn, section, type SlackMessage } from './block-kit'
import { SEVERITY_ACTION_ID } from './incident-action-ids'

export const DECLARE_VIEW_CALLBACK_ID = 'incident_declare_modal'
export const UPDATE_VIEW_CALLBACK_ID = 'incident_update_modal'
/** Block ids of the Declare modal's inputs; each input's action id is its block id too. */
export const DECLARE_BLOCK = { title: 'title', service: 'service', severity: 'severity', description: 'description', commander: 'commander' } as const
/** Block ids of the status update modal's inputs. */
export const UPDATE_BLOCK = { stage: 'stage', text: 'update_text' } as const

export const TITLE_MAX = 200
export const SERVICE_MAX = 100
export const DESCRIPTION_MAX = 3000
export const UPDATE_TEXT_MAX = 3000
/** How much of the latest status update the root message shows; the thread has all of it. */
const UPDATE_SHOWN_MAX = 500

export const STAGE_TEXT: Record<ResponseStage, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
}
const STAGE_ICON: Record<ResponseStage, string> = {
  investigating: ':mag:',
  identified: ':bulb:',
  monitoring: ':eyes:',
  resolved: ':white_check_mark:',
}
const SEVERITY_TEXT: Record<Severity, string> = { critical: 'Critical', high: 'High', warning: 'Warning', info: 'Info' }

/** A user mention for a Slack user id; anything else is shown as escaped text, never as markup. */
export function mention(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId)
}

/** A time each reader sees in their own time zone, with the UTC ISO time as the fallback. */
export function slackDate(date: Date, format = '{date_short_pretty} {time}'): string {
  return `<!date^${Math.floor(date.getTime() / SECOND_MS)}^${format}|${date.toISOString()}>`
}

export function stageLabel(stage: ResponseStage): string {
  return `${STAGE_ICON[stage]} ${STAGE_TEXT[stage]}`
}

function option(text: string, value: string): PlainTextOption {
  return { text: { type: 'plain_text', text }, value }
}

/** The root message's severity menu: each option's value names the incident too, as a click carries only the option. */
export function buildSeveritySelect(incidentNumber: number, severity: string): StaticSelect {
  const options = SEVERITIES.map((s) => option(SEVERITY_TEXT[s], `${incidentNumber}:${s}`))
  const initial = options.find((o) => o.value === `${incidentNumber}:${severity}`)
  return {
    type: 'static_select',
    action_id: SEVERITY_ACTION_ID,
    placeholder: { type: 'plain_text', text: 'Severity' },
    options,
    ...(initial ? { initial_option: initial } : {}),
  }
}

/** Reads a severity menu choice: the incident number and the severity, or null when it is not one of ours. */
export function parseSeverityChoice(value: string): { incidentNumber: number; severity: Severity } | null {
  const m = /^(\d{1,9}):(\w+)$/.exec(value)
  const severity = SEVERITIES.find((s) => s === m?.[2])
  return m && severity ? { incidentNumber: Number(m[1]), severity } : null
}

/** The latest status update as the root message shows it: stage, who, when, and the start of its text. */
export function latestUpdateSection(update: StatusUpdateView): KnownBlock {
  const who = update.by ? ` · ${mention(update.by)}` : ''
  const text = escapeMrkdwn(truncateText(update.text.trim(), UPDATE_SHOWN_MAX))
  return section(`*Latest update* · ${STAGE_TEXT[update.stage]}${who} · ${slackDate(update.at, '{time}')}\n${text}`)
}

function textInput(blockId: string, label: string, opts: { multiline: boolean; max: number; optional: boolean; initial?: string; placeholder?: string }) {
  return {
    type: 'input' as const,
    block_id: blockId,
    optional: opts.optional,
    label: { type: 'plain_text' as const, text: label },
    element: {
      type: 'plain_text_input' as const,
      action_id: blockId,
      multiline: opts.multiline,
      max_length: opts.max,
      ...(opts.initial ? { initial_value: opts.initial.slice(0, opts.max) } : {}),
      ...(opts.placeholder ? { placeholder: { type: 'plain_text' as const, text: opts.placeholder } } : {}),
    },
  }
}

/** `/sre declare`: what is wrong, where, how bad, and who leads (the declarer unless another is picked). */
export function buildDeclareModal(opening: { channel: string; initialTitle: string }): ModalView {
  const severities = SEVERITIES.map((s) => option(SEVERITY_TEXT[s], s))
  return {
    type: 'modal',
    callback_id: DECLARE_VIEW_CALLBACK_ID,
    private_metadata: JSON.stringify({ channel: opening.channel }),
    title: { type: 'plain_text', text: 'Declare an incident' },
    submit: { type: 'plain_text', text: 'Declare' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      textInput(DECLARE_BLOCK.title, 'Title', {
        multiline: false,
        max: TITLE_MAX,
        optional: false,
        initial: opening.initialTitle,
        placeholder: 'Checkout payments failing',
      }),
      textInput(DECLARE_BLOCK.service, 'Service', { multiline: false, max: SERVICE_MAX, optional: true, placeholder: 'payment-api' }),
      {
        type: 'input',
        block_id: DECLARE_BLOCK.severity,
        label: { type: 'plain_text', text: 'Severity' },
        element: { type: 'static_select', action_id: DECLARE_BLOCK.severity, options: severities, initial_option: severities[1]! },
      },
      textInput(DECLARE_BLOCK.description, 'What is happening', { multiline: true, max: DESCRIPTION_MAX, optional: true }),
      {
        type: 'input',
        block_id: DECLARE_BLOCK.commander,
        optional: true,
        label: { type: 'plain_text', text: 'Incident commander' },
        hint: { type: 'plain_text', text: 'You, unless you pick someone else.' },
        element: { type: 'users_select', action_id: DECLARE_BLOCK.commander, placeholder: { type: 'plain_text', text: 'Pick a person' } },
      },
    ],
  }
}

/** What the status update modal starts from. */
export interface StatusUpdateModalView {
  incidentId: string
  label: string
  title: string
  stage: ResponseStage
  /** Where a failure after Post is told. */
  channel: string | null
}

/** The Update button and `/sre update` without a text: the stage (resolved leads to the Resolve form) and what to tell. */
export function buildStatusUpdateModal(view: StatusUpdateModalView): ModalView {
  const stages = (Object.keys(STAGE_TEXT) as ResponseStage[]).map((s) => option(s === 'resolved' ? 'Resolved (next: what fixed it)' : STAGE_TEXT[s], s))
  const initial = stages.find((o) => o.value === view.stage)
  return {
    type: 'modal',
    callback_id: UPDATE_VIEW_CALLBACK_ID,
    private_metadata: JSON.stringify({ incidentId: view.incidentId, channel: view.channel }),
    title: { type: 'plain_text', text: `Update ${view.label}`.slice(0, 24) },
    submit: { type: 'plain_text', text: 'Post' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`*${escapeMrkdwn(view.label)}* ${escapeMrkdwn(truncateText(view.title, 300))}`),
      {
        type: 'input',
        block_id: UPDATE_BLOCK.stage,
        label: { type: 'plain_text', text: 'Stage' },
        element: { type: 'static_select', action_id: UPDATE_BLOCK.stage, options: stages, ...(initial ? { initial_option: initial } : {}) },
      },
      textInput(UPDATE_BLOCK.text, 'Update', {
        multiline: true,
        max: UPDATE_TEXT_MAX,
        optional: false,
        placeholder: 'What is known, what is being done, when the next update comes',
      }),
    ],
  }
}

function line(text: string): SlackMessage {
  return { text, blocks: [section(text)] }
}

/** The thread's line for the first acknowledgement. */
export function buildAcknowledgedLine(label: string, userId: string, ttaSeconds: number | null, becameCommander: boolean): SlackMessage {
  const after = ttaSeconds === null ? '' : ` after ${formatDuration(ttaSeconds * SECOND_MS)}`
  return line(`:raising_hand: ${mention(userId)} acknowledged ${escapeMrkdwn(label)}${after}${becameCommander ? ' and is the incident commander' : ''}.`)
}

/** Told to whoever clicks Acknowledge after someone else did. */
export function alreadyAcknowledgedText(label: string, by: string | null, at: Date): string {
  return `${escapeMrkdwn(label)} was already acknowledged${by ? ` by ${mention(by)}` : ''} at ${slackDate(at)}.`
}

export function buildStatusUpdateLine(label: string, update: StatusUpdateView, mitigated: boolean): SlackMessage {
  const who = update.by ? `${mention(update.by)} · ` : ''
  const head = `${STAGE_ICON[update.stage]} *${escapeMrkdwn(label)} ${STAGE_TEXT[update.stage].toLowerCase()}* · ${who}status update`
  const note = mitigated ? '\n_Impact mitigated: time to mitigate recorded._' : ''
  return line(`${head}\n${escapeMrkdwn(update.text)}${note}`)
}

export function buildSeverityChangedLine(label: string, from: string, to: Severity, by: string): SlackMessage {
  return line(`:rotating_light: ${mention(by)} changed the severity of ${escapeMrkdwn(label)} from ${escapeMrkdwn(from)} to *${to}*.`)
}

export function buildCommanderChangedLine(label: string, commanderId: string, by: string): SlackMessage {
  const who = commanderId === by ? `${mention(by)} is now` : `${mention(by)} made ${mention(commanderId)}`
  return line(`:large_blue_circle: ${who} the incident commander of ${escapeMrkdwn(label)}.`)
}
