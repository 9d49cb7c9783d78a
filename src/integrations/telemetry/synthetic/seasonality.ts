import { DAY_MS, HOUR_MS } from '../../../core/durations'

/** Weekend traffic relative to a weekday at the same hour. */
const WEEKEND_LEVEL = 0.74

/**
 * Traffic relative to the weekly average at `atMs` (UTC; the shop's customers are in
 * Europe): a trough in the small hours, a climb through the day to an early-evening
 * peak, and quieter weekends. Smooth everywhere, so adjacent minutes never jump.
 */
export function trafficFactor(atMs: number): number {
  return dailyShape(atMs) * weeklyShape(atMs)
}

function dailyShape(atMs: number): number {
  const hour = (((atMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS
  const angle = (2 * Math.PI * hour) / 24
  // The second harmonic flattens the night and sharpens the evening crest.
  const value = 1 - 0.5 * Math.cos(angle - (2 * Math.PI * 4) / 24) - 0.12 * Math.cos(2 * angle - (2 * Math.PI * 12.5) / 12)
  return Math.max(0.25, value)
}

function weeklyShape(atMs: number): number {
  // 1970-01-01 was a Thursday; shift so that 0 is Monday 00:00 UTC.
  const dayOfWeek = (((atMs / DAY_MS + 3) % 7) + 7) % 7
  const weekend = rampUp(dayOfWeek, 4.85, 5.2) * (1 - rampUp(dayOfWeek, 6.85, 7.0))
  return (1 - (1 - WEEKEND_LEVEL) * weekend) / (1 - (1 - WEEKEND_LEVEL) * (2 / 7))
}

/** 0 before `from`, 1 after `to`, smooth in between. */
function rampUp(x: number, from: number, to: number): number {
  if (x <= from) return 0
  if (x >= to) return 1
  const t = (x - from) / (to - from)
  return t * t * (3 - 2 * t)
}
