import type { SlackBlock } from './slack-message-store'

const RULE = '─'.repeat(40)

type Json = Record<string, unknown>

/** Renders Block Kit blocks as plain-text lines, roughly as Slack lays them out. */
export function renderBlocksAsText(blocks: readonly SlackBlock[]): string[] {
  return blocks.flatMap(renderBlock)
}

/** Renders legacy attachments as "▌ "-prefixed lines. */
export function renderAttachmentsAsText(attachments: readonly Json[]): string[] {
  return attachments.flatMap((attachment) => {
    const lines = [attachment.pretext, attachment.title, attachment.text ?? attachment.fallback]
      .filter((part): part is string => typeof part === 'string' && part.length > 0)
      .flatMap((part) => renderMrkdwnAsText(part).split('\n'))
    const fields = Array.isArray(attachment.fields) ? (attachment.fields as Json[]) : []
    for (const field of fields) lines.push(`${stringOf(field.title)}: ${renderMrkdwnAsText(stringOf(field.value))}`)
    if (Array.isArray(attachment.blocks)) lines.push(...renderBlocksAsText(attachment.blocks as SlackBlock[]))
    return lines.map((line) => `▌ ${line}`)
  })
}

/** Undoes Slack's mrkdwn escaping: `<@U1>` → "@U1", `<url|label>` → "label (url)", `&lt;` → "<". */
export function renderMrkdwnAsText(text: string): string {
  const linked = text.replace(/<([^<>]+)>/g, (_match, inner: string) => {
    const separator = inner.indexOf('|')
    const target = separator === -1 ? inner : inner.slice(0, separator)
    const label = separator === -1 ? undefined : inner.slice(separator + 1)
    if (target.startsWith('@')) return label === undefined ? target : `@${label.replace(/^@/, '')}`
    if (target.startsWith('#')) return label === undefined ? target : `#${label}`
    if (target.startsWith('!subteam^')) return label ?? `@${target.slice('!subteam^'.length)}`
    if (target.startsWith('!date^')) return label ?? target
    if (target.startsWith('!')) return `@${target.slice(1)}`
    const url = target.replace(/^mailto:/, '')
    return label === undefined || label === url ? url : `${label} (${url})`
  })
  return linked.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
}

function renderBlock(block: SlackBlock): string[] {
  switch (block.type) {
    case 'header': {
      const title = textOf(block.text).toUpperCase()
      return [title, '═'.repeat(Math.max(title.length, 3))]
    }
    case 'section': {
      const lines = block.text === undefined ? [] : textOf(block.text).split('\n')
      const fields = Array.isArray(block.fields) ? (block.fields as unknown[]) : []
      for (const field of fields) lines.push(...textOf(field).split('\n'))
      if (isJson(block.accessory)) lines.push(renderElement(block.accessory))
      return lines
    }
    case 'divider':
      return [RULE]
    case 'context': {
      const parts = elementsOf(block).map((element) => (element.type === 'image' ? imageText(element) : textOf(element)))
      return [`· ${parts.join('  ')}`]
    }
    case 'actions':
      return [elementsOf(block).map(renderElement).join('  ')]
    case 'image': {
      const title = block.title === undefined ? '' : ` ${textOf(block.title)}`
      return [`${imageText(block)}${title}`]
    }
    case 'input':
      return [`${textOf(block.label)}: [ ${isJson(block.element) ? placeholderOf(block.element) : ''} ]`]
    case 'markdown':
      return stringOf(block.text).split('\n')
    case 'rich_text':
      return richText(block).split('\n')
    case 'video':
      return [`[video: ${textOf(block.title)}]`]
    case 'file':
      return [`[file: ${stringOf(block.external_id)}]`]
    default:
      return [`[${String(block.type)} block]`]
  }
}

function renderElement(element: Json): string {
  switch (element.type) {
    case 'button': {
      const mark = element.style === 'primary' ? ' ✓' : element.style === 'danger' ? ' ✗' : ''
      const link = typeof element.url === 'string' ? ' ↗' : ''
      return `[ ${textOf(element.text)}${mark}${link} ]`
    }
    case 'image':
      return imageText(element)
    case 'overflow':
      return '[ ⋯ ]'
    default:
      return `[ ${placeholderOf(element) || String(element.type)} ▾ ]`
  }
}

function placeholderOf(element: Json): string {
  if (isJson(element.initial_option)) return textOf(element.initial_option.text)
  return element.placeholder === undefined ? '' : textOf(element.placeholder)
}

function imageText(image: Json): string {
  return `[image: ${stringOf(image.alt_text)}]`
}

function textOf(text: unknown): string {
  if (!isJson(text)) return ''
  const value = stringOf(text.text)
  return text.type === 'mrkdwn' ? renderMrkdwnAsText(value) : value
}

function richText(node: Json): string {
  const elements = elementsOf(node)
  switch (node.type) {
    case 'text':
      return stringOf(node.text)
    case 'link':
      return typeof node.text === 'string' ? `${node.text} (${stringOf(node.url)})` : stringOf(node.url)
    case 'user':
      return `@${stringOf(node.user_id)}`
    case 'channel':
      return `#${stringOf(node.channel_id)}`
    case 'usergroup':
      return `@${stringOf(node.usergroup_id)}`
    case 'emoji':
      return `:${stringOf(node.name)}:`
    case 'rich_text_list':
      return elements.map((item) => `• ${richText(item)}`).join('\n')
    case 'rich_text_quote':
      return elements
        .map(richText)
        .join('')
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n')
    case 'rich_text_preformatted':
      return elements.map(richText).join('')
    case 'rich_text':
      return elements.map(richText).join('\n')
    default:
      return elements.map(richText).join('')
  }
}

function elementsOf(node: Json): Json[] {
  return Array.isArray(node.elements) ? node.elements.filter(isJson) : []
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
