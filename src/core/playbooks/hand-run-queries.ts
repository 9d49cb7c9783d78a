import { type LogSeverity, SEVERITY_RANK } from '../telemetry/port'

/**
 * Log queries responders ran by hand during an incident, as they leave them in its thread: a Logs Explorer link
 * (console.cloud.google.com/logs/query;query=…) in a message pinned to the timeline. What a playbook's logs step can
 * ask is a text the entries contain and a lowest severity, so a query is kept when it names a free-text term (a quoted
 * string, or a bare word, that is not a field comparison) and read with its `severity>=` bound if it has one.
 */

export interface HandRunLogQuery {
  incidentId: string
  contains: string
  minSeverity?: LogSeverity
}

const LOGS_EXPLORER_LINK = /https:\/\/console\.cloud\.google\.com\/logs\/query;query=([^;?#|>\s]+)/g
const MAX_CONTAINS = 200
// LQL's comparison operators and boolean words: what is left after removing them is free text.
const COMPARISON = /^[\w.\-[\]"'/]+\s*(=~|!=~|>=|<=|!=|=|:|>|<)/
const BOOLEAN_WORDS = new Set(['AND', 'OR', 'NOT'])

/** The hand-run log queries in one message's text (Slack's `<url|label>` links included), in order, without repeats. */
export function handRunLogQueriesIn(text: string): Array<Omit<HandRunLogQuery, 'incidentId'>> {
  const found = new Map<string, Omit<HandRunLogQuery, 'incidentId'>>()
  for (const match of text.matchAll(LOGS_EXPLORER_LINK)) {
    let query: string
    try {
      query = decodeURIComponent(match[1]!.replace(/&amp;/g, '&'))
    } catch {
      continue
    }
    const read = readLogQuery(query)
    if (read) found.set(`${read.contains.toLowerCase()}|${read.minSeverity ?? ''}`, read)
  }
  return [...found.values()]
}

/** The free-text term and the lowest severity of an LQL query, or null when it has no free-text term. */
export function readLogQuery(query: string): Omit<HandRunLogQuery, 'incidentId'> | null {
  const severity = /\bseverity\s*>=\s*"?([A-Z]+)"?/i.exec(query)?.[1]?.toUpperCase()
  const minSeverity = severity && Object.hasOwn(SEVERITY_RANK, severity) ? (severity as LogSeverity) : undefined
  for (const line of query.split(/\r?\n/)) {
    const quoted = /(?:^|\s)(?:NOT\s+)?"([^"]{3,})"/.exec(line)
    if (quoted && !COMPARISON.test(line.trim()) && !/^\s*NOT\s/.test(line)) return term(quoted[1]!, minSeverity)
    const words = line
      .trim()
      .split(/\s+/)
      .filter((w) => w && !BOOLEAN_WORDS.has(w))
    if (words.length > 0 && !COMPARISON.test(line.trim()) && words.every((w) => /^[\w.:/-]{3,}$/.test(w))) return term(words.join(' '), minSeverity)
  }
  return null
}

function term(text: string, minSeverity: LogSeverity | undefined): Omit<HandRunLogQuery, 'incidentId'> | null {
  const contains = text.trim().slice(0, MAX_CONTAINS)
  if (contains.length < 3) return null
  return minSeverity ? { contains, minSeverity } : { contains }
}
