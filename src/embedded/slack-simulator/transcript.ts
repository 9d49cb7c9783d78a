import { renderAttachmentsAsText, renderBlocksAsText, renderMrkdwnAsText } from './block-kit-text-renderer'
import type { FakeSlackApi, RecordedResponse } from './fake-slack-api'
import { FAKE_WORKSPACE } from './fake-workspace'
import { compareSlackTs, type MessageContent, type RecordedEphemeral, type RecordedMessage } from './slack-message-store'

export interface TranscriptOptions {
  /** Channels to show, in this order; defaults to every channel in order of first activity. */
  channels?: readonly string[]
}

type Entry = { ts: string; message: RecordedMessage } | { ts: string; ephemeral: RecordedEphemeral }

const ROOT = { header: '', body: '  ' }
const REPLY = { header: '    ↳ ', body: '      ' }

/**
 * The conversation the fake recorded, as plain text for a terminal: each channel's root
 * messages in ts order with their thread replies indented, every message in its final state.
 */
export function renderTranscript(api: FakeSlackApi, opts: TranscriptOptions = {}): string {
  const channels = opts.channels ?? api.channels()
  const sections = channels.map((channel) => renderChannel(api, channel))
  const stray = api.responses.filter((response) => response.effect === 'unknown_url' || response.effect === 'rejected')
  if (stray.length > 0) sections.push(renderStrayResponses(stray))
  return sections.length === 0 ? '(no messages)' : sections.join('\n\n')
}

function renderChannel(api: FakeSlackApi, channel: string): string {
  const name = api.channelName(channel) ?? (channel === FAKE_WORKSPACE.channelId ? FAKE_WORKSPACE.channelName : undefined)
  const title = name === undefined ? `#${channel}` : `#${name} (${channel})`
  const messages = api.historyOf(channel)
  const ephemerals = api.ephemerals.filter((ephemeral) => ephemeral.channel === channel)
  const rootTs = new Set(messages.filter((message) => message.threadTs === undefined).map((message) => message.ts))
  const entries: Entry[] = [
    ...messages.map((message) => ({ ts: message.ts, message })),
    ...ephemerals.map((ephemeral) => ({ ts: ephemeral.messageTs, ephemeral })),
  ].sort((a, b) => compareSlackTs(a.ts, b.ts))
  const threadOf = (entry: Entry): string | undefined => {
    const threadTs = 'message' in entry ? entry.message.threadTs : entry.ephemeral.threadTs
    return threadTs !== undefined && rootTs.has(threadTs) ? threadTs : undefined
  }
  const lines = [title, '━'.repeat(title.length)]
  const roots = entries.filter((entry) => threadOf(entry) === undefined)
  if (roots.length === 0) lines.push('(no messages)')
  for (const root of roots) {
    lines.push(...renderEntry(root, ROOT))
    for (const reply of entries.filter((entry) => threadOf(entry) === root.ts)) lines.push(...renderEntry(reply, REPLY))
  }
  return lines.join('\n')
}

function renderEntry(entry: Entry, indent: typeof ROOT): string[] {
  if ('ephemeral' in entry) {
    const { ephemeral } = entry
    const marks = [`(only visible to @${ephemeral.user})`]
    if (ephemeral.postedVia === 'response_url') marks.push('(via response_url)')
    return [
      `${indent.header}[${ephemeral.messageTs}] ${authorOf(FAKE_WORKSPACE.botUserId)} ${marks.join(' ')}`,
      ...indentAll(contentLines(ephemeral), indent.body),
    ]
  }
  const { message } = entry
  const marks: string[] = []
  if (message.edits.length > 0) marks.push(`(edited ${message.edits.length}×)`)
  if (message.postedVia === 'response_url') marks.push('(via response_url)')
  if (message.replyBroadcast) marks.push('(also sent to the channel)')
  if (message.deleted) marks.push('(deleted)')
  const header = [`${indent.header}[${message.ts}] ${authorOf(message.user)}`, ...marks].join(' ')
  return message.deleted ? [header] : [header, ...indentAll(contentLines(message), indent.body)]
}

function renderStrayResponses(responses: readonly RecordedResponse[]): string {
  const title = 'response_url posts not shown above'
  const lines = [title, '━'.repeat(title.length)]
  for (const response of responses) {
    const why = response.effect === 'rejected' ? `rejected: ${response.error ?? 'unknown error'}` : 'unknown response_url'
    lines.push(`[${response.id}] (${response.responseType}, ${why})`)
    lines.push(...indentAll(contentLines(contentOf(response.body)), ROOT.body))
  }
  return lines.join('\n')
}

function contentLines(content: MessageContent): string[] {
  const lines =
    content.blocks !== undefined && content.blocks.length > 0 ? renderBlocksAsText(content.blocks) : renderMrkdwnAsText(content.text ?? '').split('\n')
  if (content.attachments !== undefined) lines.push(...renderAttachmentsAsText(content.attachments))
  return lines
}

function contentOf(body: Record<string, unknown>): MessageContent {
  const content: MessageContent = {}
  if (typeof body.text === 'string') content.text = body.text
  if (Array.isArray(body.blocks)) content.blocks = body.blocks as MessageContent['blocks']
  return content
}

function authorOf(user: string): string {
  return user === FAKE_WORKSPACE.botUserId ? `@${FAKE_WORKSPACE.botName}` : `@${user}`
}

function indentAll(lines: readonly string[], prefix: string): string[] {
  return lines.map((line) => (line.length === 0 ? line : `${prefix}${line}`))
}
