import { InvalidNabInputError } from './invalid-nab-input-error'
import { NAB_PROBATIONARY_PERCENT, type AnomalyWindow } from './nab-types'
import { scaledSigmoid } from './scaled-sigmoid'

/**
 * What a detection at each row would be worth, before profile weights: NAB's sweep.
 * Inside window w a detection earns `reward[i]` × tpWeight (only the window's best counts);
 * outside, it costs `reward[i]` × fpWeight (a negative number, smaller just after a window).
 */
export interface SweptSeries {
  /** Rows before this index are the probationary period and are never scored. */
  probationLength: number
  /** Window index of each row, or -1 when the row lies outside every window. */
  windowOfRow: Int32Array
  reward: Float64Array
  /** First row of each window (where NAB's per-row S(t) column puts a window's TP or FN value). */
  windowFirstRow: number[]
  /** Whether a window has at least one row after the probationary period (only those are scored). */
  windowScorable: boolean[]
}

const MAX_TP = scaledSigmoid(-1)

export function probationLength(rowCount: number, probationaryPercent = NAB_PROBATIONARY_PERCENT): number {
  return Math.min(Math.floor(probationaryPercent * rowCount), probationaryPercent * 5000)
}

export function sweepSeries(timestamps: readonly number[], windows: readonly AnomalyWindow[], probationaryPercent = NAB_PROBATIONARY_PERCENT): SweptSeries {
  const n = timestamps.length
  for (let i = 1; i < n; i++) {
    if (!(timestamps[i]! >= timestamps[i - 1]!)) throw new InvalidNabInputError(`timestamps must not go backwards (row ${i})`, { row: i })
  }
  const sorted = [...windows].sort((a, b) => a.start - b.start)
  for (let w = 0; w < sorted.length; w++) {
    const win = sorted[w]!
    if (!(win.end >= win.start)) throw new InvalidNabInputError(`window ${w} ends before it starts`, { window: w })
    if (w > 0 && win.start <= sorted[w - 1]!.end) throw new InvalidNabInputError(`windows ${w - 1} and ${w} overlap`, { window: w })
  }

  const windowOfRow = new Int32Array(n).fill(-1)
  const reward = new Float64Array(n)
  const windowFirstRow: number[] = []
  const windowScorable: boolean[] = []
  const probation = probationLength(n, probationaryPercent)

  let row = 0
  for (let w = 0; w < sorted.length; w++) {
    const win = sorted[w]!
    while (row < n && timestamps[row]! < win.start) row++
    const first = row
    while (row < n && timestamps[row]! <= win.end) row++
    const last = row - 1
    if (last < first) throw new InvalidNabInputError(`window ${w} contains no rows`, { window: w })
    windowFirstRow.push(first)
    windowScorable.push(last >= probation)
    const width = last - first + 1
    for (let i = first; i <= last; i++) {
      windowOfRow[i] = w
      reward[i] = scaledSigmoid(-(last - i + 1) / width) / MAX_TP
    }
  }

  // Outside windows the cost depends on the distance past the closest preceding window.
  let prevLast = -1
  let prevWidth = 0
  for (let i = 0; i < n; i++) {
    const w = windowOfRow[i]!
    if (w >= 0) {
      if (i + 1 >= n || windowOfRow[i + 1] !== w) {
        prevLast = i
        prevWidth = i - windowFirstRow[w]! + 1
      }
      continue
    }
    reward[i] = prevLast < 0 ? scaledSigmoid(3) : scaledSigmoid(Math.abs(prevLast - i) / (prevWidth - 1))
  }
  return { probationLength: probation, windowOfRow, reward, windowFirstRow, windowScorable }
}
