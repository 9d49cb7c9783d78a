/**
 * The proactive telemetry scan (`scanFleetMetrics`) on the synthetic demo fleet: what one scan
 * costs per series, how often it warns on a healthy fleet, and how soon it warns of each kind of
 * injected failure.
 *
 * 1. healthy: a scan every --every minutes over --days days of the fleet without injections
 *    (every watched metric of every service, 4 h at 60 s per series); every warning is a false one.
 * 2. faults: each failure mode injected at a fixed time; scans 1, 2, … 20 minutes later; prints the
 *    first minute at which its own service (or, for a slow dependency, the dependency) is warned
 *    about, and what the warnings say then.
 *
 * Cost is measured in process (the synthetic provider computes series on demand, so the figure
 * is the provider's generation plus the detector, episode and forecast work; Cloud Monitoring adds
 * the API round trips). Run: npm run bench:anomaly-scan -- [--days 7] [--every 35] [--seed 7]
 */
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import { describeMetricWarning } from '../src/core/analysis/scan/metric-warnings'
import { scanFleetMetrics } from '../src/core/analysis/scan/scan-fleet-metrics'
import { HOUR_MS, MINUTE_MS } from '../src/core/durations'
import { SyntheticTelemetry, type SyntheticIncidentInjection } from '../src/integrations/telemetry/synthetic'

const { values: flags } = parseArgs({
  options: { days: { type: 'string', default: '7' }, every: { type: 'string', default: '35' }, seed: { type: 'string', default: '7' } },
})
const DAYS = positiveInt('days', flags.days)
const EVERY = positiveInt('every', flags.every)
const SEED = positiveInt('seed', flags.seed)
const START = Date.UTC(2026, 2, 9)
const options = { recentMinutes: 6, horizonMinutes: 30 }
const out = (line = '') => process.stdout.write(`${line}\n`)

out(`telemetry scan on the synthetic demo fleet (seed ${SEED}), node ${process.version}`)
const healthy = new SyntheticTelemetry({ seed: SEED })
let scans = 0
let series = 0
let falseWarnings = 0
let scanMs = 0
for (let minute = 0; minute < DAYS * 24 * 60; minute += EVERY) {
  const began = performance.now()
  const scan = await scanFleetMetrics(healthy, { ...options, now: new Date(START + minute * MINUTE_MS) })
  scanMs += performance.now() - began
  scans++
  series += scan.scanned
  falseWarnings += scan.warnings.length
  for (const w of scan.warnings) out(`  false warning: ${describeMetricWarning(w)}`)
}
out(`healthy fleet: ${scans} scans over ${DAYS} days (every ${EVERY} min), ${series} series of 241 points`)
out(`  warnings: ${falseWarnings} (${((falseWarnings / series) * 100).toFixed(3)} % of series)`)
out(`  cost: ${(scanMs / scans).toFixed(1)} ms per scan, ${((scanMs / series) * 1000).toFixed(0)} µs per series (generation + scoring, one core)`)

const FAULT_AT = new Date(START + 30 * HOUR_MS)
const faults: Array<{ injection: SyntheticIncidentInjection; watch: string }> = [
  { injection: { kind: 'connection-pool-exhaustion', service: 'checkout-db', start: FAULT_AT }, watch: 'checkout-db' },
  { injection: { kind: 'memory-leak', service: 'checkout-api', start: FAULT_AT }, watch: 'checkout-api' },
  { injection: { kind: 'slow-dependency', service: 'payment-api', dependency: 'fraud-check', start: FAULT_AT }, watch: 'fraud-check' },
  { injection: { kind: 'bad-deploy', service: 'checkout-api', start: FAULT_AT }, watch: 'checkout-api' },
  { injection: { kind: 'quota-exhaustion', service: 'payment-api', start: FAULT_AT }, watch: 'payment-api' },
]
out(`\nfaults injected at ${FAULT_AT.toISOString()}; first scan (1-minute steps) that warns about the watched service`)
for (const { injection, watch } of faults) {
  const telemetry = new SyntheticTelemetry({ seed: SEED, injections: [injection] })
  let found = false
  for (let after = 1; after <= 20 && !found; after++) {
    const scan = await scanFleetMetrics(telemetry, { ...options, now: new Date(FAULT_AT.getTime() + after * MINUTE_MS) })
    const own = scan.warnings.filter((w) => w.service === watch)
    if (own.length === 0) continue
    found = true
    out(
      `  ${injection.kind.padEnd(28)} +${after} min: ${own.length} warning(s) on ${watch}, ${scan.warnings.length} in the fleet; e.g. ${describeMetricWarning(own[0]!)}`,
    )
    const forecast = own.find((w) => w.kind === 'saturation')
    if (forecast) out(`  ${''.padEnd(28)} ${describeMetricWarning(forecast)}`)
  }
  if (!found) out(`  ${injection.kind.padEnd(28)} not warned about within 20 min`)
}

const leak = new SyntheticTelemetry({ seed: SEED, injections: [faults[1]!.injection] })
for (let after = 1; after <= 34; after++) {
  const scan = await scanFleetMetrics(leak, { ...options, now: new Date(FAULT_AT.getTime() + after * MINUTE_MS) })
  const forecast = scan.warnings.find((w) => w.kind === 'saturation' && w.service === 'checkout-api')
  if (forecast) {
    out(`\nmemory leak (OOM kill at +34 min): first forecast at +${after} min: ${describeMetricWarning(forecast)}`)
    break
  }
}

function positiveInt(name: string, raw: string | undefined): number {
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`)
  return n
}
