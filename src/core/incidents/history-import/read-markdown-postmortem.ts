import { parseDocument } from 'yaml'
import type { ColumnMapping } from './column-mapping'
import { type HistoryField, type HistoryRecord, type ReadRow, toImportedIncident } from './imported-incident'
import { recordFromObject } from './read-history-rows'

// Section headings read into a field, compared without case or punctuation, by how they start ("Root cause (5 whys)").
const SECTION_FIELDS: Array<[string, HistoryField]> = [
  ['contributingfactors', 'contributing_factors'],
  ['contributing', 'contributing_factors'],
  ['rootcause', 'root_cause'],
  ['causes', 'root_cause'],
  ['cause', 'root_cause'],
  ['whyithappened', 'root_cause'],
  ['resolution', 'resolution'],
  ['remediation', 'resolution'],
  ['mitigation', 'resolution'],
  ['fix', 'resolution'],
  ['howitwasfixed', 'resolution'],
  ['recovery', 'resolution'],
  ['summary', 'summary'],
  ['incidentsummary', 'summary'],
  ['overview', 'summary'],
  ['whathappened', 'summary'],
  ['description', 'summary'],
  ['outcome', 'outcome'],
]

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/

/**
 * One postmortem in Markdown: YAML front matter (title, service, severity, started, resolved, external_id,
 * link, …: the same names as a CSV header) and a body whose sections headed "Root cause", "Resolution",
 * "Summary" (and the usual synonyms) fill the fields the front matter leaves out. The whole body is kept as
 * the postmortem text; the title falls back to the first top-level heading, the external id to the file name.
 */
export function readMarkdownPostmortem(text: string, file: string, mapping: ColumnMapping): ReadRow {
  const source = text.replace(/^\uFEFF/, '')
  const match = FRONT_MATTER.exec(source)
  let fields: Record<string, string> = {}
  let body = source
  if (match) {
    const doc = parseDocument(match[1]!, { prettyErrors: false })
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!
      // The front matter starts on line 2 of the file, after its opening ---.
      const line = (err.linePos?.[0]?.line ?? 0) + 1
      return { problem: { file, line, reason: `front matter is not YAML: ${err.message.split('\n')[0]}` } }
    }
    const value: unknown = doc.toJS()
    if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value)))
      return { problem: { file, line: 2, reason: 'front matter is not a mapping of names to values' } }
    fields = frontMatterFields((value ?? {}) as Record<string, unknown>)
    body = source.slice(match[0].length)
  }
  const record: HistoryRecord = recordFromObject(fields, mapping)
  const sections = readSections(body)
  for (const [field, value] of sections.fields) {
    if (!record[field]?.value.trim()) record[field] = { value, column: `section ${JSON.stringify(sections.headings.get(field))}` }
  }
  if (!record.title?.value.trim() && sections.firstHeading) record.title = { value: sections.firstHeading, column: 'first heading' }
  if (!record.external_id?.value.trim()) record.external_id = { value: file.replace(/\.(md|markdown)$/i, ''), column: 'file name' }
  if (body.trim()) record.postmortem ??= { value: body.trim(), column: 'body' }
  return toImportedIncident(record, { file, line: 1 })
}

/** Front matter values as text: dates as ISO 8601 (YAML may read an unquoted timestamp as one), lists joined by commas. */
function frontMatterFields(value: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) out[key] = ''
    else if (v instanceof Date) out[key] = Number.isNaN(v.getTime()) ? '' : v.toISOString()
    else if (Array.isArray(v)) out[key] = v.map(String).join(', ')
    else if (typeof v === 'object') continue
    else out[key] = String(v)
  }
  return out
}

/** The body's sections by field (the first section of each field), outside fenced code blocks, and its first heading. */
function readSections(body: string): { fields: Map<HistoryField, string>; headings: Map<HistoryField, string>; firstHeading: string | null } {
  const fields = new Map<HistoryField, string>()
  const headings = new Map<HistoryField, string>()
  let firstHeading: string | null = null
  let current: HistoryField | null = null
  let currentLevel = 0
  let lines: string[] = []
  let fence: string | null = null
  const close = () => {
    if (current && !fields.has(current) && lines.join('\n').trim()) fields.set(current, lines.join('\n').trim())
    lines = []
  }
  for (const line of body.split(/\r?\n/)) {
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line)
    if (fenceMatch) fence = fence === null ? fenceMatch[1]!.slice(0, 3) : line.trimStart().startsWith(fence) ? null : fence
    const heading = fence === null && !fenceMatch ? /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line) : null
    if (!heading) {
      if (current) lines.push(line)
      continue
    }
    const level = heading[1]!.length
    const text = heading[2]!.trim()
    firstHeading ??= level === 1 ? text : null
    // A subsection ("### Timeline" under "## Root cause") stays part of its section.
    if (current && level > currentLevel) {
      lines.push(line)
      continue
    }
    close()
    const key = text.toLowerCase().replace(/[^a-z0-9]+/g, '')
    const field = SECTION_FIELDS.find(([prefix]) => key.startsWith(prefix))?.[1] ?? null
    current = field && !fields.has(field) ? field : null
    currentLevel = level
    if (current) headings.set(current, text)
  }
  close()
  return { fields, headings, firstHeading }
}
