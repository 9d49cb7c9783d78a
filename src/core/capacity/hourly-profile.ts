import { HOUR_MS } from '../durations'
import type { MetricPoint } from '../telemetry/port'

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const

/** The mean of each whole UTC hour that has points, oldest first: the peaks compared are hourly, not one noisy sample. */
export function hourlyMeans(points: readonly MetricPoint[]): MetricPoint[] {
  const sums = new Map<number, { sum: number; n: number }>()
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue
    const hour = Math.floor(p.at.getTime() / HOUR_MS) * HOUR_MS
    const s = sums.get(hour) ?? { sum: 0, n: 0 }
    s.sum += p.value
    s.n++
    sums.set(hour, s)
  }
  return [...sums.entries()].sort(([a], [b]) => a - b).map(([hour, s]) => ({ at: new Date(hour), value: s.sum / s.n }))
}

/** Hour of the week, 0 = Sunday 00:00 UTC … 167 = Saturday 23:00 UTC. */
export function hourOfWeek(at: Date): number {
  return at.getUTCDay() * 24 + at.getUTCHours()
}

/** "Mon 10:00" (UTC). */
export function hourOfWeekLabel(hour: number): string {
  return `${WEEKDAYS[Math.floor(hour / 24) % 7]} ${String(hour % 24).padStart(2, '0')}:00`
}

/** The weekly pattern: the mean of each hour of the week over the weeks seen; NaN for an hour never seen. */
export function hourOfWeekProfile(hourly: readonly MetricPoint[]): number[] {
  const sum = new Array<number>(168).fill(0)
  const n = new Array<number>(168).fill(0)
  for (const p of hourly) {
    const h = hourOfWeek(p.at)
    sum[h]! += p.value
    n[h]!++
  }
  return sum.map((s, h) => (n[h] ? s / n[h]! : Number.NaN))
}
