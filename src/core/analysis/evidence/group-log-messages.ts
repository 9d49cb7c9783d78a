import type { LogEntry } from '../../telemetry/port'

export interface LogMessageGroup {
  service: string
  /** The first line of the group, cut to 200 characters. */
  message: string
  count: number
}

/** The `n` most frequent messages, lines that differ only in numbers, ids and addresses counted as one. */
export function groupLogMessages(entries: LogEntry[], n: number): LogMessageGroup[] {
  const counts = new Map<string, LogMessageGroup>()
  for (const e of entries) {
    // Group by shape: numbers, ids and addresses vary between otherwise identical lines.
    const shape = e.message.replace(/\b[0-9a-f]{8,}\b/gi, '<id>').replace(/\d+(\.\d+)*/g, '<n>')
    const key = `${e.service}\u0000${shape}`
    const entry = counts.get(key) ?? { service: e.service, message: e.message.slice(0, 200), count: 0 }
    entry.count++
    counts.set(key, entry)
  }
  return [...counts.values()].sort((a, b) => b.count - a.count).slice(0, n)
}
