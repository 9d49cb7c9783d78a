import type { Button, HomeView, KnownBlock } from '@slack/types'
import { formatDuration } from '../../core/durations'
import type { HomeApproval, HomeDashboard, HomeDigestSection, HomeFollowup, HomeIncident } from '../../core/home/home-dashboard'
import { truncateText } from '../../core/truncate-text'
import { context, divider, escapeMrkdwn, header, linkableUrl, section } from './block-kit'
import { FOLLOWUP_DONE_ACTION_ID } from './followup-blocks'
import { sreCommandLines } from './help-blocks'
import { ACKNOWLEDGE_ACTION_ID } from './incident-action-ids'
import { SEVERITY_ICON } from './incident-blocks'
import { mention, slackDate, stageLabel } from './lifecycle-blocks'

/** Prefix of the Home tab's link buttons (`home_link:<what>`): Slack sends a click on a link button too, and it is only acked. */
export const HOME_LINK_ACTION_ID = 'home_link'

/** Slack allows 100 blocks in a Home view; each list is capped so that every section fits whatever the others hold. */
export const HOME_MAX_BLOCKS = 100
export const HOME_LISTED = { incidents: 15, approvals: 10, followups: 15, charts: 4 } as const

const RISK_ICON = { low: ':large_green_circle:', medium: ':large_yellow_circle:', high: ':red_circle:' } as const

/**
 * The link to a message, as Slack builds permalinks from the workspace's URL (auth.test's `url`); a reply in a thread
 * carries its thread. Null when the workspace URL or the message is unknown.
 */
export function messageLink(workspaceUrl: string | null, channel: string | null, ts: string | null, threadTs?: string | null): string | null {
  const base = linkableUrl(workspaceUrl)
  if (!base || !channel || !ts || !/^[A-Z0-9]+$/.test(channel) || !/^\d+\.\d+$/.test(ts)) return null
  const thread = threadTs && threadTs !== ts && /^\d+\.\d+$/.test(threadTs) ? `?thread_ts=${threadTs}&cid=${channel}` : ''
  return `${base.replace(/\/+$/, '')}/archives/${channel}/p${ts.replace('.', '')}${thread}`
}

function linkButton(id: string, text: string, url: string): Button {
  return { type: 'button', action_id: `${HOME_LINK_ACTION_ID}:${id}`, text: { type: 'plain_text', text }, url }
}

function incidentBlocks(i: HomeIncident, now: Date, workspaceUrl: string | null): KnownBlock[] {
  const icon = SEVERITY_ICON[i.severity] ?? ':white_circle:'
  const service = i.service ? ` · ${escapeMrkdwn(truncateText(i.service, 100))}` : ''
  const commander = i.commanderId ? `commander ${mention(i.commanderId)}` : 'no commander'
  const ack = i.acknowledgedBy ? `acknowledged by ${mention(i.acknowledgedBy)}` : '*not acknowledged*'
  const age = formatDuration(now.getTime() - i.startedAt.getTime())
  const text =
    `${icon} *INC-${i.number}* ${escapeMrkdwn(truncateText(i.title, 300))}\n` +
    `${escapeMrkdwn(i.severity)} · ${stageLabel(i.responseStage)}${service} · ${commander} · ${ack} · open for ${age} (since ${slackDate(i.startedAt)})`
  const buttons: Button[] = []
  if (!i.acknowledgedBy) {
    buttons.push({
      type: 'button',
      // Ids must be unique in a view: one per incident, the same handler as the root message's button.
      action_id: `${ACKNOWLEDGE_ACTION_ID}:${i.number}`,
      value: `INC-${i.number}`,
      style: 'primary',
      text: { type: 'plain_text', text: 'Acknowledge' },
    })
  }
  const thread = messageLink(workspaceUrl, i.slackChannel, i.slackTs)
  if (thread) buttons.push(linkButton(`incident:${i.number}`, 'Open thread', thread))
  return buttons.length ? [section(text), { type: 'actions', elements: buttons }] : [section(text)]
}

function approvalBlock(a: HomeApproval, workspaceUrl: string | null): KnownBlock {
  const progress = a.minApprovals > 1 ? ` · ${a.approvedSoFar} of ${a.minApprovals} approvals` : ''
  const text =
    `${RISK_ICON[a.risk]} ${a.risk} risk · *${escapeMrkdwn(truncateText(a.title, 300))}* on INC-${a.incidentNumber}${progress}` +
    ` · expires ${slackDate(a.expiresAt, '{time}')}`
  const url = messageLink(workspaceUrl, a.slackChannel, a.slackTs, a.threadTs)
  return url ? { type: 'section', text: { type: 'mrkdwn', text }, accessory: linkButton(`approval:${a.id}`, 'Open request', url) } : section(text)
}

function followupBlock(f: HomeFollowup): KnownBlock {
  const due = f.dueOn ? (f.overdue ? `:alarm_clock: *overdue* since ${escapeMrkdwn(f.dueOn)}` : `due ${escapeMrkdwn(f.dueOn)}`) : 'no due date'
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: `${escapeMrkdwn(truncateText(f.text, 1500))}\n${due} · INC-${f.incidentNumber}` },
    accessory: { type: 'button', action_id: `${FOLLOWUP_DONE_ACTION_ID}:${f.id}`, value: f.id, text: { type: 'plain_text', text: 'Done' } },
  }
}

function digestBlocks(d: HomeDigestSection): KnownBlock[] {
  const blocks: KnownBlock[] = [header(`This week · ${d.periodLabel}`)]
  if (d.figures.length) blocks.push(section(d.figures.map((f) => `• ${escapeMrkdwn(f)}`).join('\n')))
  for (const chart of d.charts.slice(0, HOME_LISTED.charts)) {
    blocks.push({
      type: 'image',
      slack_file: { id: chart.fileId },
      alt_text: truncateText(chart.altText, 2000),
      title: { type: 'plain_text', text: truncateText(chart.title, 2000) },
    })
  }
  return blocks
}

/** "and 12 more — `/sre incidents`": what a cut list left out, and where to see it all. */
function more(total: number, shown: number, where: string): KnownBlock[] {
  return total > shown ? [context(`and ${total - shown} more — ${where}`)] : []
}

/**
 * One person's Home tab: the open incidents (Acknowledge, Open thread), the approvals waiting for them, the follow-up
 * actions they own (Done), and the latest digest's figures and charts. Everything from alerts or people is escaped;
 * each list is cut to fit Slack's 100 blocks with the rest counted.
 */
export function buildHomeView(d: HomeDashboard, options: { workspaceUrl: string | null }): HomeView & { blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = []
  const incidents = d.incidents.slice(0, HOME_LISTED.incidents)
  blocks.push(header(`Open incidents (${d.incidentsTotal})`))
  if (incidents.length === 0) blocks.push(section('No open incidents. :sunny:'))
  for (const i of incidents) blocks.push(...incidentBlocks(i, d.generatedAt, options.workspaceUrl))
  blocks.push(...more(d.incidentsTotal, incidents.length, '`/sre incidents`'), divider)

  const approvals = d.approvals.slice(0, HOME_LISTED.approvals)
  blocks.push(header(`Waiting for your approval (${d.approvals.length})`))
  if (approvals.length === 0) blocks.push(context('Nothing is waiting for your approval.'))
  for (const a of approvals) blocks.push(approvalBlock(a, options.workspaceUrl))
  blocks.push(...more(d.approvals.length, approvals.length, "in the incidents' threads"), divider)

  const followups = d.followups.slice(0, HOME_LISTED.followups)
  blocks.push(header(`Your follow-up actions (${d.followupsTotal})`))
  if (followups.length === 0) blocks.push(context('No open follow-up actions of yours.'))
  for (const f of followups) blocks.push(followupBlock(f))
  blocks.push(...more(d.followupsTotal, followups.length, '`/sre actions mine`'), divider)

  if (d.digest) blocks.push(...digestBlocks(d.digest), divider)
  blocks.push(header('Commands'), section(sreCommandLines()), context(`Updated ${slackDate(d.generatedAt)}`))
  return { type: 'home', blocks }
}
