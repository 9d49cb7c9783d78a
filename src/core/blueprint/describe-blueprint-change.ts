import { DAY_MS, HOUR_MS } from '../durations'
import type { BlueprintChange, BlueprintEdge } from './blueprint-edge'

/**
 * One line of a change notice, in plain text (the Slack layer escapes it):
 * "new dependency: cart → inventory (first seen 14:02, 1,200 calls/h)",
 * "checkout-api no longer calls legacy-pricing (last seen 9 days ago)",
 * "declared but never observed: payment-api → fx-rates".
 */
export function describeBlueprintChange(change: BlueprintChange, now: Date): string {
  const { edge } = change
  switch (change.kind) {
    case 'added':
      return `new ${kindWord(edge)}dependency: ${edge.from} → ${edge.to} (first seen ${utcClock(edge.firstSeen ?? now)}, ${traffic(edge)})`
    case 'back':
      return `${edge.from} → ${edge.to} is back (seen again ${utcClock(edge.lastSeen ?? now)}, ${traffic(edge)})`
    case 'stopped':
      return (
        `${edge.from} no longer ${verb(edge)} ${edge.to} (last seen ${ago(now.getTime() - change.lastSeen.getTime())})` +
        (edge.source === 'declared' ? '; still declared' : '')
      )
    case 'declared_unobserved':
      return `declared but never observed: ${edge.from} → ${edge.to}`
  }
}

function kindWord(edge: BlueprintEdge): string {
  return edge.kind === 'db' ? 'database ' : edge.kind === 'messaging' ? 'messaging ' : ''
}

function verb(edge: BlueprintEdge): string {
  return edge.kind === 'db' ? 'queries' : edge.kind === 'messaging' ? 'uses' : 'calls'
}

/** Calls an hour and the error rate, as edge labels and notices show them. */
export function traffic(edge: Pick<BlueprintEdge, 'callsPerHour' | 'errorRate'>): string {
  const calls = edge.callsPerHour === null ? 'no traffic measured' : `${formatCount(edge.callsPerHour)} calls/h`
  const errors = edge.errorRate !== null && edge.errorRate > 0 ? `, ${formatPercent(edge.errorRate)} errors` : ''
  return `${calls}${errors}`
}

export function formatCount(value: number): string {
  const rounded = value >= 10 ? Math.round(value) : Math.round(value * 10) / 10
  return rounded.toLocaleString('en-US')
}

export function formatPercent(ratio: number): string {
  const pct = ratio * 100
  return `${pct >= 10 ? Math.round(pct) : pct >= 1 ? pct.toFixed(1) : pct.toFixed(2)}%`
}

function utcClock(at: Date): string {
  return `${at.toISOString().slice(11, 16)} UTC`
}

function ago(ms: number): string {
  if (ms >= 2 * DAY_MS) return `${Math.floor(ms / DAY_MS)} days ago`
  if (ms >= DAY_MS) return '1 day ago'
  const hours = Math.floor(ms / HOUR_MS)
  return hours >= 1 ? `${hours} h ago` : 'less than an hour ago'
}
