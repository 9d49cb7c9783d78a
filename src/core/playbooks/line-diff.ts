/** One line of a diff: kept (' '), removed ('-') or added ('+'). */
export interface DiffLine {
  op: ' ' | '-' | '+'
  text: string
}

// Past this many cells the LCS table is not built: the changed middle is shown as removed, then added.
const MAX_TABLE_CELLS = 4_000_000

/** The lines of `before` and `after` aligned on a longest common subsequence (after trimming the common head and tail). */
export function diffLines(before: string[], after: string[]): DiffLine[] {
  let head = 0
  while (head < before.length && head < after.length && before[head] === after[head]) head++
  let endA = before.length
  let endB = after.length
  while (endA > head && endB > head && before[endA - 1] === after[endB - 1]) {
    endA--
    endB--
  }
  const a = before.slice(head, endA)
  const b = after.slice(head, endB)
  const out: DiffLine[] = before.slice(0, head).map((text) => ({ op: ' ', text }))
  if (a.length * b.length > MAX_TABLE_CELLS) {
    for (const text of a) out.push({ op: '-', text })
    for (const text of b) out.push({ op: '+', text })
  } else {
    // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1))
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
    }
    let i = 0
    let j = 0
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) {
        out.push({ op: ' ', text: a[i]! })
        i++
        j++
      } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: '-', text: a[i++]! })
      else out.push({ op: '+', text: b[j++]! })
    }
    while (i < a.length) out.push({ op: '-', text: a[i++]! })
    while (j < b.length) out.push({ op: '+', text: b[j++]! })
  }
  for (const text of before.slice(endA)) out.push({ op: ' ', text })
  return out
}

function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}

/**
 * A unified diff (`diff -u` format, `context` lines around each change) of two texts, headed `--- from` / `+++ to`;
 * the empty string when they are the same.
 */
export function unifiedDiff(before: string, after: string, labels: { from: string; to: string }, context = 3): string {
  const lines = diffLines(splitLines(before), splitLines(after))
  const changed = lines.flatMap((l, i) => (l.op === ' ' ? [] : [i]))
  if (changed.length === 0) return ''
  // Hunks: each change with `context` lines around it, merged when they touch.
  const hunks: Array<[number, number]> = []
  for (const i of changed) {
    const start = Math.max(0, i - context)
    const end = Math.min(lines.length, i + context + 1)
    const last = hunks.at(-1)
    if (last && start <= last[1]) last[1] = Math.max(last[1], end)
    else hunks.push([start, end])
  }
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`]
  for (const [start, end] of hunks) {
    const before = lines.slice(0, start)
    const hunk = lines.slice(start, end)
    const aBefore = before.filter((l) => l.op !== '+').length
    const bBefore = before.filter((l) => l.op !== '-').length
    const aCount = hunk.filter((l) => l.op !== '+').length
    const bCount = hunk.filter((l) => l.op !== '-').length
    // An empty side is numbered by the line before it, as diff(1) does.
    const range = (linesBefore: number, count: number) => `${count === 0 ? linesBefore : linesBefore + 1},${count}`
    out.push(`@@ -${range(aBefore, aCount)} +${range(bBefore, bCount)} @@`)
    for (const l of hunk) out.push(`${l.op}${l.text}`)
  }
  return `${out.join('\n')}\n`
}
