import type { KnownBlock, ModalView } from '@slack/types'
import type { FollowupActionView } from '../../core/incidents/followup-action'
import { truncateText } from '../../core/truncate-text'
import { escapeMrkdwn, link, type SlackMessage } from './block-kit'

export const FOLLOWUP_ADD_ACTION_ID = 'followup_add'
/** Prefix of each Done button's action id (`followup_done:<id>`): ids must be unique within a message. */
export const FOLLOWUP_DONE_ACTION_ID = 'followup_done'
export const FOLLOWUP_VIEW_CALLBACK_ID = 'followup_add_modal'
/** Block ids of the modal's inputs (each input's action id is its block id). */
export const FOLLOWUP_BLOCK = { owner: 'owner', text: 'text', due: 'due' } as const
/** Room for the heading and the "more" line in a message of 50 blocks. */
const LISTED_ACTIONS = 45

/** One action as a mrkdwn line: its text (escaped), owner, due day, incident and its issue link. */
export function followupLine(a: FollowupActionView, options: { incident: boolean }): string {
  const owner = /^[UW][A-Z0-9]{1,20}$/.test(a.owner) ? `<@${a.owner}>` : escapeMrkdwn(a.owner)
  const due = a.dueOn ? `due ${escapeMrkdwn(a.dueOn)}` : 'no due date'
  const where = options.incident ? ` · INC-${a.incidentNumber}` : ''
  const issue = a.externalUrl ? ` · ${link(a.externalUrl, 'issue')}` : ''
  return `${a.status === 'done' ? '~' : ''}${escapeMrkdwn(truncateText(a.text, 1500))}${a.status === 'done' ? '~' : ''} — ${owner}, ${due}${where}${issue}`
}

/** The thread's note that an action was added. */
export function buildFollowupAddedMessage(a: FollowupActionView): SlackMessage {
  const by = /^[UW][A-Z0-9]{1,20}$/.test(a.createdBy) ? `<@${a.createdBy}>` : 'Someone'
  const text = `:clipboard: ${by} added a follow-up action: ${followupLine(a, { incident: false })}`
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }
}

/** The once-a-day reminder of an overdue action, to its owner in the incident's thread. */
export function buildFollowupReminderMessage(a: FollowupActionView): SlackMessage {
  const text = `:alarm_clock: Overdue follow-up action of INC-${a.incidentNumber}: ${followupLine(a, { incident: false })}`
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text },
        accessory: { type: 'button', action_id: `${FOLLOWUP_DONE_ACTION_ID}:${a.id}`, value: a.id, text: { type: 'plain_text', text: 'Done' } },
      },
    ],
  }
}

/** `/sre actions`: each open action with a Done button; more than fit are counted, not dropped silently. */
export function buildFollowupListMessage(heading: string, actions: FollowupActionView[], total: number): SlackMessage {
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(heading)}*` } }]
  for (const a of actions.slice(0, LISTED_ACTIONS)) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: followupLine(a, { incident: true }) },
      ...(a.status === 'open'
        ? { accessory: { type: 'button', action_id: `${FOLLOWUP_DONE_ACTION_ID}:${a.id}`, value: a.id, text: { type: 'plain_text', text: 'Done' } } }
        : {}),
    })
  }
  if (actions.length === 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'No open follow-up actions.' }] })
  const shown = Math.min(actions.length, LISTED_ACTIONS)
  if (total > shown)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${total - shown} more not shown: \`/sre actions INC-n\` lists one incident's.` }] })
  return { text: `${escapeMrkdwn(heading)}: ${total} open`, blocks }
}

/** Uploads the review draft as a Markdown file to the thread (value: INC-n). */
export const REVIEW_FILE_ACTION_ID = 'review_file'

/** The buttons under the review draft: the follow-up form, and the draft as a Markdown file. */
export function reviewButtons(incidentNumber: number): KnownBlock {
  return {
    type: 'actions',
    elements: [
      { type: 'button', action_id: FOLLOWUP_ADD_ACTION_ID, value: `INC-${incidentNumber}`, text: { type: 'plain_text', text: 'Add follow-up action' } },
      { type: 'button', action_id: REVIEW_FILE_ACTION_ID, value: `INC-${incidentNumber}`, text: { type: 'plain_text', text: 'Markdown file' } },
    ],
  }
}

/** The small form: owner, what, and an optional due day. */
export function buildFollowupModal(view: { incidentId: string; incidentNumber: number; channel: string | null }): ModalView {
  return {
    type: 'modal',
    callback_id: FOLLOWUP_VIEW_CALLBACK_ID,
    private_metadata: JSON.stringify({ incidentId: view.incidentId, channel: view.channel }),
    title: { type: 'plain_text', text: `Follow-up INC-${view.incidentNumber}`.slice(0, 24) },
    submit: { type: 'plain_text', text: 'Add' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: FOLLOWUP_BLOCK.owner,
        label: { type: 'plain_text', text: 'Owner' },
        element: { type: 'users_select', action_id: FOLLOWUP_BLOCK.owner },
      },
      {
        type: 'input',
        block_id: FOLLOWUP_BLOCK.text,
        label: { type: 'plain_text', text: 'What should be done' },
        element: { type: 'plain_text_input', action_id: FOLLOWUP_BLOCK.text, multiline: true, max_length: 1000 },
      },
      {
        type: 'input',
        block_id: FOLLOWUP_BLOCK.due,
        optional: true,
        label: { type: 'plain_text', text: 'Due' },
        element: { type: 'datepicker', action_id: FOLLOWUP_BLOCK.due },
      },
    ],
  }
}
