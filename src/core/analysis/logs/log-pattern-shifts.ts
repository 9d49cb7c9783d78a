import type { LogEntry } from '../../telemetry/port'
import { LogTemplateMiner } from './log-template-miner'

export interface LogPatternShift {
  template: string
  kind: 'new' | 'surge'
  countBefore: number
  countNow: number
  /** Rate now over rate before (per minute); null for a new pattern. */
  factor: number | null
  firstSeenAt: Date
  example: string
}

/**
 * Mines the warnings of the hour before the incident and of the incident window into
 * templates, and reports the patterns that are new (never seen before) or surging
 * (`minFactor`× their earlier rate): "new template since the deploy", "40× its baseline".
 */
export function findLogPatternShifts(
  before: LogEntry[],
  now: LogEntry[],
  windows: { beforeMinutes: number; nowMinutes: number },
  options: { minCount?: number; minFactor?: number } = {},
): LogPatternShift[] {
  const minCount = options.minCount ?? 3
  const minFactor = options.minFactor ?? 10
  const miner = new LogTemplateMiner()
  const tally = new Map<number, { before: number; now: number; first: Date; example: string }>()
  const add = (entry: LogEntry, phase: 'before' | 'now') => {
    const mined = miner.add(entry.message, entry.at)
    const t = tally.get(mined.templateId) ?? { before: 0, now: 0, first: entry.at, example: entry.message }
    t[phase]++
    if (entry.at < t.first) t.first = entry.at
    tally.set(mined.templateId, t)
  }
  // Oldest first, so templates generalise the way they would have live.
  for (const e of [...before].sort((a, b) => a.at.getTime() - b.at.getTime())) add(e, 'before')
  for (const e of [...now].sort((a, b) => a.at.getTime() - b.at.getTime())) add(e, 'now')

  // Merges may have folded several ids into one template: sum per surviving template.
  const merged = new Map<number, { before: number; now: number; first: Date; example: string }>()
  for (const [id, t] of tally) {
    const key = miner.resolve(id)
    const m = merged.get(key)
    if (!m) merged.set(key, { ...t })
    else merged.set(key, { before: m.before + t.before, now: m.now + t.now, first: t.first < m.first ? t.first : m.first, example: m.example })
  }
  const shifts: LogPatternShift[] = []
  for (const [id, t] of merged) {
    if (t.now < minCount) continue
    const template = miner.template(id) ?? t.example
    if (t.before === 0) {
      shifts.push({ template, kind: 'new', countBefore: 0, countNow: t.now, factor: null, firstSeenAt: t.first, example: t.example })
      continue
    }
    const factor = t.now / windows.nowMinutes / (t.before / windows.beforeMinutes)
    if (factor >= minFactor) shifts.push({ template, kind: 'surge', countBefore: t.before, countNow: t.now, factor, firstSeenAt: t.first, example: t.example })
  }
  return shifts.sort((a, b) => b.countNow - a.countNow)
}
