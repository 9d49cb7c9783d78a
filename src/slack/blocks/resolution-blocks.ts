import { truncateText } from '../../core/truncate-text'
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types'
import type { DiagnosisLabel, ResolutionAnswers } from '../../core/incidents/resolution'
import { escapeMrkdwn, section, type SlackMessage } from './block-kit'

export const RESOLVE_ACTION_ID = 'incident_resolve'
export const RESOLVE_VIEW_CALLBACK_ID = 'incident_resolve_modal'
/** Block ids of the modal's inputs; each input's action id is its block id too (action ids are unique in a view). */
export const RESOLVE_BLOCK = {
  resolution: 'resolution',
  outcome: 'outcome',
  rootCause: 'root_cause',
  contributingFactors: 'contributing_factors',
  diagnosis: 'diagnosis',
  sameIncident: 'same_incident',
} as const
/** The "none of them" choice of the really-same incident select. */
export const NO_SAME_INCIDENT = 'none'

const TEXT_MAX = 3000
const OPTION_TEXT_MAX = 75

const OUTCOME_TEXT: Record<ResolutionAnswers['outcome'], string> = { worked: 'Worked', partly: 'Partly worked', failed: 'Did not work' }
const DIAGNOSIS_TEXT: Record<DiagnosisLabel, string> = { right: 'Diagnosis right', partly: 'Partly right', wrong: 'Wrong', not_sure: 'Not sure' }

/** What the modal starts from: the recorded answers when editing, else what the bot knows. */
export interface ResolveModalView {
  incidentId: string
  /** Where a failure after Save is told (the incident's channel, else where the form was asked for). */
  channel: string | null
  label: string
  title: string
  fixedIt: string
  rootCause: string
  contributingFactors: string
  outcome: ResolutionAnswers['outcome'] | null
  diagnosis: DiagnosisLabel | null
  /** The analysis' matches, best first. */
  matches: Array<{ id: string; label: string; title: string }>
  sameIncidentId: string | null
  /** Shown above the inputs: where the pre-filled text came from. */
  basis: string[]
}

function option(text: string, value: string): PlainTextOption {
  return { text: { type: 'plain_text', text: truncateText(text, OPTION_TEXT_MAX) }, value }
}

function radios(blockId: string, label: string, choices: Record<string, string>, initial: string | null): KnownBlock {
  const options = Object.entries(choices).map(([value, text]) => option(text, value))
  const selected = options.find((o) => o.value === initial)
  return {
    type: 'input',
    block_id: blockId,
    label: { type: 'plain_text', text: label },
    element: { type: 'radio_buttons', action_id: blockId, options, ...(selected ? { initial_option: selected } : {}) },
  }
}

function textInput(blockId: string, label: string, initial: string, optional: boolean): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional,
    label: { type: 'plain_text', text: label },
    element: {
      type: 'plain_text_input',
      action_id: blockId,
      multiline: true,
      max_length: TEXT_MAX,
      ...(initial ? { initial_value: initial.slice(0, TEXT_MAX) } : {}),
    },
  }
}

/** The Resolve modal: what fixed it, did it work, the root cause, was the diagnosis right, which past incident was the same. */
export function buildResolveModal(view: ResolveModalView): ModalView {
  const same = [...view.matches.map((m) => option(`${m.label} ${m.title}`, m.id)), option('None of them', NO_SAME_INCIDENT)]
  const initialSame = same.find((o) => o.value === (view.sameIncidentId ?? NO_SAME_INCIDENT))
  const blocks: KnownBlock[] = [section(`*${escapeMrkdwn(view.label)}* ${escapeMrkdwn(view.title)}`)]
  if (view.basis.length)
    blocks.push({ type: 'context', elements: view.basis.slice(0, 10).map((t) => ({ type: 'mrkdwn', text: escapeMrkdwn(t).slice(0, 3000) })) })
  blocks.push(
    textInput(RESOLVE_BLOCK.resolution, 'What fixed it', view.fixedIt, false),
    radios(RESOLVE_BLOCK.outcome, 'Did it work?', OUTCOME_TEXT, view.outcome),
    textInput(RESOLVE_BLOCK.rootCause, 'Root cause', view.rootCause, true),
    textInput(RESOLVE_BLOCK.contributingFactors, 'Contributing factors', view.contributingFactors, true),
    radios(RESOLVE_BLOCK.diagnosis, "Was the bot's diagnosis right?", DIAGNOSIS_TEXT, view.diagnosis),
    {
      type: 'input',
      block_id: RESOLVE_BLOCK.sameIncident,
      label: { type: 'plain_text', text: 'Which past incident was really the same problem?' },
      element: { type: 'static_select', action_id: RESOLVE_BLOCK.sameIncident, options: same, ...(initialSame ? { initial_option: initialSame } : {}) },
    },
  )
  return {
    type: 'modal',
    callback_id: RESOLVE_VIEW_CALLBACK_ID,
    private_metadata: JSON.stringify({ incidentId: view.incidentId, channel: view.channel }),
    title: { type: 'plain_text', text: `Resolve ${view.label}`.slice(0, 24) },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  }
}

/** The thread's note that the team recorded how the incident ended. */
export function buildResolutionRecordedMessage(label: string, answers: ResolutionAnswers, sameLabel: string | null, edited: boolean): SlackMessage {
  const how = `${escapeMrkdwn(answers.resolution)} (${OUTCOME_TEXT[answers.outcome].toLowerCase()})`
  const lines = [`:memo: <@${answers.recordedBy}> ${edited ? 'updated' : 'recorded'} how ${escapeMrkdwn(label)} was resolved: ${how}.`]
  if (answers.rootCause) lines.push(`Root cause: ${escapeMrkdwn(answers.rootCause)}`)
  if (answers.contributingFactors) lines.push(`Contributing factors: ${escapeMrkdwn(answers.contributingFactors)}`)
  lines.push(`Diagnosis: ${DIAGNOSIS_TEXT[answers.diagnosisLabel].toLowerCase()}${sameLabel ? ` · really the same as ${escapeMrkdwn(sameLabel)}` : ''}`)
  const text = lines.join('\n')
  return { text, blocks: [section(text)] }
}

/** A Slack user id, safe to put inside `<@…>`. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/

/**
 * The thread's question when an incident ended with nothing recorded (its alert closed), and its one reminder:
 * one button opens the Resolve form, pre-filled, so answering takes a click in the common case.
 */
export function buildWhatFixedItPrompt(incident: { number: number; title: string }, ask: { reminder: boolean; mention: string | null }): SlackMessage {
  const label = `INC-${incident.number}`
  const who = ask.mention && SLACK_USER_ID.test(ask.mention) ? `<@${ask.mention}> ` : ''
  const text = ask.reminder
    ? `:alarm_clock: ${who}What fixed ${label} is still not recorded. Please record it while it is fresh — this is the only reminder; ` +
      'without an answer the incident stays "resolution not recorded", and similar incidents will not show what fixed this one.'
    : `:question: ${who}${label} closed when its alert resolved. What fixed it? Recording it (and whether my diagnosis was right) ` +
      'makes the next similar incident show the fix, and calibrates my confidence.'
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        block_id: 'ask_resolution',
        elements: [
          {
            type: 'button',
            style: 'primary',
            action_id: RESOLVE_ACTION_ID,
            text: { type: 'plain_text', text: 'Record what fixed it' },
            value: String(incident.number),
          },
        ],
      },
    ],
  }
}
