import type { KnownBlock } from '@slack/types'

/** A message as both fallback text (notifications, screen readers) and blocks. */
export interface SlackMessage {
  text: string
  blocks: KnownBlock[]
}

const SECTION_LIMIT = 3000
const MORE = '\n… (continued in the trail: `/sre trail`)'

/** Section text within Slack's 3000-char limit; a cut says so instead of dropping text silently. */
export function section(text: string): KnownBlock {
  const body = text.length > SECTION_LIMIT ? text.slice(0, SECTION_LIMIT - MORE.length) + MORE : text
  return { type: 'section', text: { type: 'mrkdwn', text: body } }
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: text.length > 150 ? `${text.slice(0, 147)}...` : text, emoji: true } }
}

export function context(...lines: string[]): KnownBlock {
  return { type: 'context', elements: lines.slice(0, 10).map((t) => ({ type: 'mrkdwn' as const, text: t.slice(0, 3000) })) }
}

export function fields(pairs: Array<[string, string]>): KnownBlock {
  return { type: 'section', fields: pairs.slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn' as const, text: `*${k}*\n${v}`.slice(0, 2000) })) }
}

export const divider: KnownBlock = { type: 'divider' }

/** Escapes text from alerts and logs so it cannot ping channels or forge links. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * The URL as Slack may link it, or null: only absolute http(s) URLs (no javascript:, data: or relative ones), with the
 * characters that would end `<url|label>` early (`<`, `>`, `|`, whitespace) percent-encoded.
 */
export function linkableUrl(url: string | null | undefined): string | null {
  const trimmed = url?.trim()
  if (!trimmed || !/^https?:\/\/[^/]/i.test(trimmed)) return null
  return trimmed.replace(/[<>|\s]/g, (c) => encodeURIComponent(c))
}

/** A link to an http(s) URL with an escaped label; anything else shows the label alone. */
export function link(url: string | null | undefined, label: string): string {
  const href = linkableUrl(url)
  return href ? `<${href}|${escapeMrkdwn(label)}>` : escapeMrkdwn(label)
}

export function percent(x: number): string {
  return `${Math.round(x * 100)}%`
}

export function confidenceBar(x: number): string {
  const filled = Math.round(x * 10)
  return '▰'.repeat(filled) + '▱'.repeat(10 - filled)
}
