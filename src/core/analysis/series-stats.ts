/** Statistics over a window of metric values. */
export function summarize(values: number[]): { max: number; min: number; mean: number; last: number; p95: number; count: number } {
  if (values.length === 0) return { max: NaN, min: NaN, mean: NaN, last: NaN, p95: NaN, count: 0 }
  const sorted = [...values].sort((a, b) => a - b)
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(0.95 * (sorted.length - 1)))]!
  return {
    max: sorted[sorted.length - 1]!,
    min: sorted[0]!,
    mean: values.reduce((s, v) => s + v, 0) / values.length,
    last: values[values.length - 1]!,
    p95,
    count: values.length,
  }
}

export function compare(value: number, op: '>' | '>=' | '<' | '<=', threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold
    case '>=':
      return value >= threshold
    case '<':
      return value < threshold
    case '<=':
      return value <= threshold
  }
}

export function formatMetricValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a'
  if (unit === 'ratio') return `${(value * 100).toFixed(0)}%`
  if (unit === 'ms') return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`
  return `${Number(value.toPrecision(3))}${unit ? ` ${unit}` : ''}`
}
