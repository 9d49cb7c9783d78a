import { open, readdir, readFile, stat } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
import { columnMapping, type HistoryFormat } from '../core/incidents/history-import/column-mapping'
import { detectHistoryFormat } from '../core/incidents/history-import/detect-history-format'
import type { ReadRow } from '../core/incidents/history-import/imported-incident'
import { readMarkdownPostmortem } from '../core/incidents/history-import/read-markdown-postmortem'
import { firstRowPerExternalId, HistoryFileError, readCsvHistory, readJsonlHistory } from '../core/incidents/history-import/read-history-rows'

export interface HistorySource {
  format: HistoryFormat
  /** How many files were read (a folder of postmortems: each .md under it). */
  files: number
  /** Each row in file order, an incident or a problem; a repeated external id is a problem on its later rows. */
  rows: ReadRow[]
}

/**
 * Reads a history file, or a folder of Markdown postmortems (every .md / .markdown under it, in name
 * order), in the given format or the one detected from its name and first bytes.
 */
export async function readHistorySource(path: string, options: { format: HistoryFormat | 'auto'; maps: string[] }): Promise<HistorySource> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new HistoryFileError(`${path}: ${err.code === 'ENOENT' ? 'no such file or folder' : err.message}`)
  })
  const format =
    options.format === 'auto' ? detectHistoryFormat({ path, isDirectory: info.isDirectory(), head: await readHead(path, info.isDirectory()) }) : options.format
  const mapping = columnMapping(format, options.maps)
  if (info.isDirectory()) {
    if (format !== 'markdown') throw new HistoryFileError(`${path} is a folder: only Markdown postmortems are read from a folder (--format markdown)`)
    const files = (await markdownFiles(path)).sort()
    if (files.length === 0) throw new HistoryFileError(`${path}: no .md files in it`)
    const rows: ReadRow[] = []
    for (const file of files) rows.push(readMarkdownPostmortem(await readFile(file, 'utf8'), relative(path, file), mapping))
    return { format, files: files.length, rows: firstRowPerExternalId(rows) }
  }
  const text = await readFile(path, 'utf8')
  const name = basename(path)
  const rows =
    format === 'markdown'
      ? [readMarkdownPostmortem(text, name, mapping)]
      : format === 'jsonl'
        ? readJsonlHistory(text, mapping, name)
        : readCsvHistory(text, mapping, options.maps, name)
  return { format, files: 1, rows: firstRowPerExternalId(rows) }
}

async function readHead(path: string, isDirectory: boolean): Promise<string> {
  if (isDirectory) return ''
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(4096)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    return buffer.subarray(0, bytesRead).toString('utf8')
  } finally {
    await handle.close()
  }
}

async function markdownFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue
    const full = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await markdownFiles(full)))
    else if (/\.(md|markdown)$/i.test(entry.name) && !/^readme\.md$/i.test(entry.name)) out.push(full)
  }
  return out
}
