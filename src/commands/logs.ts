import { createReadStream, createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { once } from 'node:events'
import { formatCsvRow } from '../core/csv-text'
import { LogTemplateMiner } from '../core/analysis/logs/log-template-miner'
import { DEFAULT_LOG_MESSAGE_LIMITS } from '../core/analysis/logs/tokenize-log-message'
import { errorMessage } from '../core/errors'
import { readFlags, UsageError, type CliCommand } from './command'

const USAGE = `sre-agent logs templates --input <file, one log message per line> --out <out.csv> [--templates <templates.csv>]

Mines log templates and writes LineId,EventId,EventTemplate (LineId from 1, one row per
input line, parameters as <*>, as in Loghub). --templates also writes EventId,EventTemplate,Occurrences.
An empty line gets the empty template; a line longer than ${DEFAULT_LOG_MESSAGE_LIMITS.maxChars} characters is mined from its
first ${DEFAULT_LOG_MESSAGE_LIMITS.maxChars} (and counted as cut); bytes that are not UTF-8 read as U+FFFD.`

// NUL or the replacement character the UTF-8 decoder puts for bytes that are not UTF-8.
const BINARY = /[\u0000\uFFFD]/

const command: CliCommand = {
  summary: 'mine log templates from a file of log messages (sre-agent logs templates …)',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args
    if (sub !== 'templates') throw new UsageError(sub ? `unknown subcommand "${sub}"\n\n${USAGE}` : USAGE)
    const flags = readFlags(rest, { input: { required: true }, out: { required: true }, templates: {} })
    const input = flags.input!
    const problem = await unreadable(input)
    if (problem) {
      process.stderr.write(`sre-agent logs templates: cannot read ${input}: ${problem}\n`)
      return 66 // EX_NOINPUT
    }

    const started = performance.now()
    const miner = new LogTemplateMiner()
    const ids: number[] = []
    let cut = 0
    let binary = 0
    await forEachLine(input, DEFAULT_LOG_MESSAGE_LIMITS.maxChars, (line, longer) => {
      const mined = miner.add(line)
      ids.push(mined.templateId)
      if (longer || mined.truncated) cut++
      if (BINARY.test(line)) binary++
    })
    const seconds = (performance.now() - started) / 1000

    // Number templates E1, E2, … in order of first appearance, after merges have settled.
    const eventIds = new Map<number, string>()
    const occurrences = new Map<number, number>()
    const finalIds = ids.map((id) => {
      const templateId = miner.resolve(id)
      if (!eventIds.has(templateId)) eventIds.set(templateId, `E${eventIds.size + 1}`)
      occurrences.set(templateId, (occurrences.get(templateId) ?? 0) + 1)
      return templateId
    })
    const text = new Map(miner.templates().map((t) => [t.templateId, t.template]))
    await writeCsv(flags.out!, ['LineId', 'EventId', 'EventTemplate'], function* () {
      for (let i = 0; i < finalIds.length; i++) {
        const id = finalIds[i]!
        yield [i + 1, eventIds.get(id)!, text.get(id) ?? '']
      }
    })
    if (flags.templates) {
      await writeCsv(flags.templates, ['EventId', 'EventTemplate', 'Occurrences'], function* () {
        for (const [id, eventId] of eventIds) yield [eventId, text.get(id) ?? '', occurrences.get(id) ?? 0]
      })
    }

    const rate = seconds > 0 ? Math.round(ids.length / seconds) : 0
    process.stdout.write(
      `${ids.length} lines, ${eventIds.size} templates, ${seconds.toFixed(2)} s (${rate} lines/s) → ${flags.out}` +
        `${flags.templates ? ` and ${flags.templates}` : ''}\n`,
    )
    if (binary > 0) process.stdout.write(`${binary} line(s) hold NUL bytes or bytes that are not UTF-8 (read as U+FFFD): is the input a text log?\n`)
    if (cut > 0)
      process.stdout.write(
        `${cut} line(s) longer than ${DEFAULT_LOG_MESSAGE_LIMITS.maxChars} characters or ${DEFAULT_LOG_MESSAGE_LIMITS.maxTokens} tokens ` +
          'were mined from their beginning only\n',
      )
    return 0
  },
}
export default command

async function unreadable(path: string): Promise<string | null> {
  try {
    const s = await stat(path)
    return s.isFile() ? null : 'not a regular file'
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : errorMessage(err)
  }
}

/**
 * Calls `onLine` for each line (LF or CRLF; a final line without a newline counts). A line
 * longer than `maxChars` is cut while reading, so one huge line never sits in memory whole.
 */
async function forEachLine(path: string, maxChars: number, onLine: (line: string, longer: boolean) => void): Promise<void> {
  let line = ''
  let longer = false
  let pending = false
  const emit = () => {
    onLine(line.endsWith('\r') ? line.slice(0, -1) : line, longer)
    line = ''
    longer = false
    pending = false
  }
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    const text = chunk as string
    let start = 0
    for (;;) {
      const newline = text.indexOf('\n', start)
      const piece = newline < 0 ? text.slice(start) : text.slice(start, newline)
      if (piece.length > 0) pending = true
      const room = maxChars + 1 - line.length // one extra character keeps a trailing \r visible
      if (piece.length > room) {
        line += piece.slice(0, Math.max(0, room))
        longer = true
      } else line += piece
      if (newline < 0) break
      emit()
      start = newline + 1
    }
  }
  if (pending) emit()
}

async function writeCsv(path: string, header: string[], rows: () => Generator<Array<string | number>>): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' })
  const closed = once(out, 'close')
  let batch = `${header.join(',')}\n`
  for (const row of rows()) {
    batch += `${formatCsvRow(row)}\n`
    if (batch.length >= 1 << 16) {
      if (!out.write(batch)) await once(out, 'drain')
      batch = ''
    }
  }
  out.end(batch)
  await closed
}
