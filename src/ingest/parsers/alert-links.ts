import { MAX_ALERT_LINKS, type AlertLink } from '../../core/incidents/types'
import { truncateText } from '../../core/truncate-text'
import { nonBlankText } from './non-blank-text'

/** Longer links are generated junk; a cut URL is a broken link, so it is dropped instead. */
export const MAX_URL_LENGTH = 2_048
const MAX_LINK_LABEL_LENGTH = 100

/**
 * The URL when it is http(s), with the characters that end or split a Slack link (`<`, `>`, `|`,
 * quotes, whitespace) percent-encoded; else undefined, so a `javascript:` link never reaches a message.
 */
export function httpUrl(text: string | null | undefined): string | undefined {
  const trimmed = nonBlankText(text)
  if (!trimmed || trimmed.length > MAX_URL_LENGTH || !URL.canParse(trimmed)) return undefined
  const { protocol } = new URL(trimmed)
  if (protocol !== 'http:' && protocol !== 'https:') return undefined
  return trimmed.replace(/[<>|"`\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

/**
 * Joins a path to a base the way Prometheus' relative `generatorURL`s are meant (base path kept:
 * "https://am/prefix" + "/graph?g0" is "https://am/prefix/graph?g0"); an absolute URL is kept as it is.
 */
export function joinUrl(base: string | null | undefined, pathOrUrl: string | null | undefined): string | undefined {
  const target = nonBlankText(pathOrUrl)
  if (!target) return undefined
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return httpUrl(target)
  const root = nonBlankText(base)
  if (!root) return undefined
  return httpUrl(`${root.replace(/\/+$/, '')}/${target.replace(/^\/+/, '')}`)
}

/** Keeps the http(s) links with a label, one per URL, at most MAX_ALERT_LINKS. */
export function collectLinks(candidates: Array<{ label: string; url: string | null | undefined }>): AlertLink[] {
  const links: AlertLink[] = []
  for (const candidate of candidates) {
    const url = httpUrl(candidate.url)
    const label = nonBlankText(candidate.label)
    if (!url || !label || links.some((l) => l.url === url)) continue
    links.push({ label: truncateText(label, MAX_LINK_LABEL_LENGTH), url })
    if (links.length === MAX_ALERT_LINKS) break
  }
  return links
}
