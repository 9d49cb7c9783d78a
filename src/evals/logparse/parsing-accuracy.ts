export interface ParsingAccuracy {
  /** GA: share of messages whose predicted group holds exactly their true group's messages. */
  groupingAccuracy: number
  /** PA: share of messages whose predicted template equals the true one. */
  parsingAccuracy: number
  /** FGA: F1 over groups (a group counts when it is exactly right). */
  groupingF1: number
  /** FTA: F1 over templates (a predicted template counts when all its messages have it as their true template). */
  templateF1: number
  messages: number
  predictedTemplates: number
  trueTemplates: number
}

/**
 * Loghub-2.0's four log-parsing metrics (Jiang et al., ISSTA 2024, `evaluator.py`,
 * `PA_calculator.py`, `template_level_analysis.py`), computed the same way: groups are
 * keyed by template text on both sides, and messages without a true template are left out.
 */
export function scoreLogParsing(truth: string[], predicted: string[]): ParsingAccuracy {
  if (truth.length !== predicted.length) throw new RangeError(`${truth.length} true templates but ${predicted.length} predictions`)
  const t: string[] = []
  const p: string[] = []
  truth.forEach((template, i) => {
    if (template !== '') {
      t.push(template)
      p.push(predicted[i]!)
    }
  })
  const n = t.length
  const predictedSize = countBy(p)
  const byTruth = groupBy(t, p)
  const byPredicted = groupBy(p, t)

  let groupedMessages = 0
  let rightGroups = 0
  for (const [, predictions] of byTruth) {
    if (predictions.size !== 1) continue
    const [only, size] = [...predictions][0]!
    if (predictedSize.get(only) === size) {
      groupedMessages += size
      rightGroups++
    }
  }
  let parsed = 0
  for (let i = 0; i < n; i++) if (t[i] === p[i]) parsed++
  let rightTemplates = 0
  for (const [template, truths] of byPredicted) if (truths.size === 1 && truths.has(template)) rightTemplates++

  return {
    groupingAccuracy: n === 0 ? 0 : groupedMessages / n,
    parsingAccuracy: n === 0 ? 0 : parsed / n,
    groupingF1: f1(rightGroups / Math.max(1, byPredicted.size), rightGroups / Math.max(1, byTruth.size)),
    templateF1: f1(rightTemplates / Math.max(1, byPredicted.size), rightTemplates / Math.max(1, byTruth.size)),
    messages: n,
    predictedTemplates: byPredicted.size,
    trueTemplates: byTruth.size,
  }
}

function f1(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return counts
}

/** For each key, how many times each paired value occurs. */
function groupBy(keys: string[], values: string[]): Map<string, Map<string, number>> {
  const groups = new Map<string, Map<string, number>>()
  keys.forEach((key, i) => {
    let group = groups.get(key)
    if (!group) {
      group = new Map()
      groups.set(key, group)
    }
    const v = values[i]!
    group.set(v, (group.get(v) ?? 0) + 1)
  })
  return groups
}
