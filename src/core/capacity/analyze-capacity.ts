import { HOUR_MS } from '../durations'
import type { MetricPoint } from '../telemetry/port'
import type { CapacitySettings } from './capacity-settings'
import { hourlyMeans, hourOfWeek, hourOfWeekLabel, hourOfWeekProfile } from './hourly-profile'
import { dailyPeaks, forecastNextWeeklyPeak, median } from './peak-forecast'

/** Utilisation the autoscaler and the sizing aim for at the peak. */
export const TARGET_UTILISATION = 0.7
/** Above this at the forecast peak, with every allowed replica running, the service runs hot. */
export const HOT_UTILISATION = 0.85
/** Below this at the forecast peak on the fewest allowed replicas, capacity sits idle. */
export const COLD_UTILISATION = 0.35
/** Never suggested below this many replicas: one node drain must not take the service down. */
export const MIN_REPLICAS_FLOOR = 2
const HOURS_PER_WEEK = 168
const MEMORY_STEP_GIB = 0.125
/**
 * Server memory one more allowed connection can hold, for the cost of a max_connections change: a PostgreSQL
 * backend takes roughly 5–10 MiB once it has run queries (the upper end, so the cost is not understated).
 */
export const GIB_PER_CONNECTION = 0.01
/** max_connections moves in steps of this many. */
const CONNECTION_STEP = 10

export interface CapacityInput {
  service: string
  /**
   * Utilisation, 0..1, of the CPU allocated to a replica (GKE: of its limit; Cloud Run: of the instance's CPU) and of the
   * memory limit, as the telemetry port reports them (GKE's mapping takes the busiest pod: sizing errs on the safe side).
   */
  cpu: readonly MetricPoint[]
  memory: readonly MetricPoint[]
  latencyP95Ms: readonly MetricPoint[]
  /** Replicas serving over time; without it the utilisation is taken as measured on today's replica count. */
  replicas?: readonly MetricPoint[]
  /** A database's connections in use as a share of its max_connections, 0..1. */
  connections?: readonly MetricPoint[]
  settings: CapacitySettings
}

/** What the replicas and their autoscaler are called where the workload runs. */
interface Words {
  replicas: string
  max: string
  min: string
}

function wordsFor(s: CapacitySettings): Words {
  return s.kind === 'cloud-run'
    ? { replicas: 'instances', max: 'max instances', min: 'min instances' }
    : { replicas: 'replicas', max: 'HPA max', min: 'HPA min' }
}

export interface UtilisationSummary {
  /** Highest hourly mean and when (hour of the week, UTC); the forecast is the next week's peak. */
  peak: number
  peakAt: Date
  peakHourOfWeek: string
  /** The hour of the week that is busiest on average: the weekly pattern's top. */
  busiestHourOfWeek: string
  forecastPeak: number
  weeklyGrowth: number
  days: number
}

export interface LatencyAtLoad {
  /** Median p95 latency in the busiest quarter of the hours, and in the quieter half. */
  busyMs: number
  quietMs: number
  ratio: number
}

export type RecommendationKind = 'hpa-max' | 'hpa-min' | 'replicas' | 'cpu-request' | 'memory' | 'max-connections'

export interface Recommendation {
  kind: RecommendationKind
  from: number
  to: number
  /** Utilisation at the forecast peak before and after the change. */
  before: number
  after: number
  /** Resource units a week: positive costs more, negative saves. */
  vcpuHoursPerWeek: number
  gibHoursPerWeek: number
  /** One line with the arithmetic: "raise HPA max 8 → 12: forecast peak 93 % → 62 %". */
  summary: string
}

export interface CapacityReport {
  service: string
  settings: CapacitySettings
  verdict: 'scale-up' | 'scale-down' | 'no-change' | 'no-data'
  cpu: UtilisationSummary | null
  memory: UtilisationSummary | null
  latency: LatencyAtLoad | null
  recommendations: Recommendation[]
  /** Why there is no suggestion (or what the numbers say when none is needed). */
  notes: string[]
}

/** Peak, trend, weekly pattern and next-peak forecast of one utilisation series; null without a whole day of points. */
function summarise(points: readonly MetricPoint[]): UtilisationSummary | null {
  const hourly = hourlyMeans(points)
  const peaks = dailyPeaks(hourly)
  const forecast = forecastNextWeeklyPeak(peaks)
  if (!forecast || peaks.length < 1 || hourly.length < 24) return null
  const top = hourly.reduce((a, b) => (b.value > a.value ? b : a))
  const profile = hourOfWeekProfile(hourly)
  let busiest = -1
  profile.forEach((v, h) => {
    if (!Number.isNaN(v) && (busiest < 0 || v > profile[busiest]!)) busiest = h
  })
  return {
    peak: top.value,
    peakAt: top.at,
    peakHourOfWeek: hourOfWeekLabel(hourOfWeek(top.at)),
    busiestHourOfWeek: hourOfWeekLabel(busiest),
    forecastPeak: forecast.value,
    weeklyGrowth: forecast.weeklyGrowth,
    days: peaks.length,
  }
}

/** How p95 latency behaved in the busiest quarter of the hours against the quieter half. */
function latencyAtLoad(cpu: readonly MetricPoint[], latency: readonly MetricPoint[]): LatencyAtLoad | null {
  const cpuHourly = hourlyMeans(cpu)
  const latencyByHour = new Map(hourlyMeans(latency).map((p) => [p.at.getTime(), p.value]))
  const paired = cpuHourly.flatMap((p) => {
    const l = latencyByHour.get(p.at.getTime())
    return l === undefined ? [] : [{ cpu: p.value, latency: l }]
  })
  if (paired.length < 8) return null
  paired.sort((a, b) => a.cpu - b.cpu)
  const quiet = median(paired.slice(0, Math.floor(paired.length / 2)).map((p) => p.latency))
  const busy = median(paired.slice(Math.floor((paired.length * 3) / 4)).map((p) => p.latency))
  return { busyMs: busy, quietMs: quiet, ratio: quiet > 0 ? busy / quiet : 1 }
}

/**
 * Sizes a service from its history: replicas (or the HPA's bounds) from the CPU forecast peak,
 * the memory limit from the memory forecast peak, each with its numbers. Pure: the caller reads
 * the series through the telemetry port and the settings through the capacity-settings port.
 */
export function analyzeCapacity(input: CapacityInput): CapacityReport {
  const { settings } = input
  const cpu = summarise(input.cpu)
  const memory = summarise(input.memory)
  const latency = latencyAtLoad(input.cpu, input.latencyP95Ms)
  const report: CapacityReport = { service: input.service, settings, verdict: 'no-change', cpu, memory, latency, recommendations: [], notes: [] }
  if (!cpu && !memory) {
    report.verdict = 'no-data'
    report.notes.push('less than a day of CPU and memory history: nothing to size from')
    return report
  }
  const replicaHistory = input.replicas?.some((p) => Number.isFinite(p.value) && p.value > 0) ? input.replicas! : []
  const database = settings.kind === 'database'
  if (cpu && database) {
    report.notes.push(`CPU peak ${pct(cpu.peak)} at ${cpu.peakHourOfWeek}; forecast next peak ${pct(cpu.forecastPeak)} (a database is resized, not scaled out)`)
  } else if (cpu) {
    report.recommendations.push(...replicaRecommendations(demandSeries(input.cpu, replicaHistory, settings.replicas), cpu, settings, report.notes))
  }
  if (memory) report.recommendations.push(...memoryRecommendations(memory, settings, report.notes))
  const connections = input.connections?.length ? summarise(input.connections) : null
  if (connections) report.recommendations.push(...connectionRecommendations(connections, settings, report.notes))
  if (cpu && !database && replicaHistory.length === 0) {
    const { replicas } = wordsFor(settings)
    report.notes.push(`no ${replicas.slice(0, -1)} history: the utilisation is taken as measured on today's ${settings.replicas} ${replicas}`)
  }
  const up = report.recommendations.some((r) => r.after < r.before)
  const down = report.recommendations.some((r) => r.after > r.before)
  report.verdict = up ? 'scale-up' : down ? 'scale-down' : 'no-change'
  return report
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 100)} %`
}

function round1(value: number): number {
  return Math.round(value * 10) / 10
}

/**
 * CPU demand each hour in replicas' worth: the utilisation times the replicas that served it (the
 * current count for hours the replica history does not cover).
 */
function demandSeries(cpu: readonly MetricPoint[], replicas: readonly MetricPoint[], current: number): MetricPoint[] {
  const served = new Map(hourlyMeans(replicas).map((p) => [p.at.getTime(), p.value]))
  return hourlyMeans(cpu).map((p) => ({ at: p.at, value: p.value * (served.get(p.at.getTime()) ?? current) }))
}

/** Replica-hours the last week's hourly demand needs at the target utilisation, within [min, max]. */
function replicaHours(demand: readonly MetricPoint[], min: number, max: number): number {
  return demand.slice(-HOURS_PER_WEEK).reduce((sum, p) => sum + Math.min(max, Math.max(min, Math.ceil(p.value / TARGET_UTILISATION))), 0)
}

function replicaRecommendations(hourlyDemand: MetricPoint[], cpu: UtilisationSummary, s: CapacitySettings, notes: string[]): Recommendation[] {
  const peakHour = Math.floor(cpu.peakAt.getTime() / HOUR_MS) * HOUR_MS
  const peakDemand = hourlyDemand.find((p) => p.at.getTime() === peakHour)?.value ?? cpu.peak * s.replicas
  // Replicas serving at the peak hour: the utilisation there is of that many.
  const atPeak = Math.max(1, Math.round(peakDemand / Math.max(cpu.peak, 1e-9)))
  const demand = summarise(hourlyDemand)?.forecastPeak ?? cpu.forecastPeak * s.replicas // replicas' worth of CPU at the forecast peak
  const min = s.autoscaler?.minReplicas ?? s.replicas
  const max = s.autoscaler?.maxReplicas ?? s.replicas
  const atMax = demand / max
  const atMin = demand / min
  const cores = s.cpuRequestCores ?? 0
  const gib = s.memoryRequestGiB ?? 0
  // Hours of the week scaled to a full week when fewer than 168 hours are known.
  const weekScale = HOURS_PER_WEEK / Math.min(HOURS_PER_WEEK, hourlyDemand.length)
  const w = wordsFor(s)
  const evidence = `CPU peak ${pct(cpu.peak)} of ${atPeak} ${w.replicas} at ${cpu.peakHourOfWeek}; forecast next peak ${pct(demand / atPeak)}`
  // A replica change costs (or saves) its replica-hours a week of each replica's CPU and memory requests.
  const replicaChange = (
    { summary, ...change }: Omit<Recommendation, 'vcpuHoursPerWeek' | 'gibHoursPerWeek'>,
    replicaHoursPerWeek: number,
  ): Recommendation[] => [{ ...change, vcpuHoursPerWeek: round1(replicaHoursPerWeek * cores), gibHoursPerWeek: round1(replicaHoursPerWeek * gib), summary }]
  if (atMax > HOT_UTILISATION) {
    const to = Math.ceil(demand / TARGET_UTILISATION)
    const after = demand / to
    if (s.autoscaler) {
      const extra = (replicaHours(hourlyDemand, min, to) - replicaHours(hourlyDemand, min, max)) * weekScale
      const summary = `${evidence} (${pct(atMax)} even at ${w.max} ${max}); raise ${w.max} to ${to} → ${pct(after)}`
      return replicaChange({ kind: 'hpa-max', from: max, to, before: atMax, after, summary }, extra)
    }
    const summary = `${evidence}; no autoscaler: run ${to} ${w.replicas} → ${pct(after)}`
    return replicaChange({ kind: 'replicas', from: s.replicas, to, before: atMax, after, summary }, (to - s.replicas) * HOURS_PER_WEEK)
  }
  if (atMin < COLD_UTILISATION && min > MIN_REPLICAS_FLOOR) {
    const to = Math.max(MIN_REPLICAS_FLOOR, Math.ceil(demand / TARGET_UTILISATION))
    if (to < min) {
      const after = demand / to
      if (s.autoscaler) {
        const saved = (replicaHours(hourlyDemand, min, max) - replicaHours(hourlyDemand, to, max)) * weekScale
        const summary = `${evidence} (${pct(atMin)} on ${w.min} ${min}); lower ${w.min} to ${to} → ${pct(after)} at the peak`
        return replicaChange({ kind: 'hpa-min', from: min, to, before: atMin, after, summary }, -saved)
      }
      const summary = `${evidence}; run ${to} ${w.replicas} instead of ${s.replicas} → ${pct(after)} at the peak`
      return replicaChange({ kind: 'replicas', from: s.replicas, to, before: atMin, after, summary }, -(s.replicas - to) * HOURS_PER_WEEK)
    }
  }
  const allocated = s.cpuLimitCores ?? s.cpuRequestCores
  if (atMin < COLD_UTILISATION && s.cpuRequestCores !== null && allocated !== null) {
    // Already at the replica floor: the request per replica is what is too large. Utilisation is of the
    // allocated CPU (GKE reports it against the limit), so the cores used at the peak are that share of it.
    const used = cpu.forecastPeak * allocated
    const to = Math.max(0.05, Math.ceil((used / TARGET_UTILISATION) * 20) / 20)
    if (to < s.cpuRequestCores) {
      const after = used / to
      return [
        {
          kind: 'cpu-request',
          from: s.cpuRequestCores,
          to,
          before: used / s.cpuRequestCores,
          after,
          vcpuHoursPerWeek: round1((to - s.cpuRequestCores) * min * HOURS_PER_WEEK),
          gibHoursPerWeek: 0,
          summary: `${evidence}; lower the CPU request ${s.cpuRequestCores} → ${to} vCPU per replica → ${pct(after)} of it at the peak`,
        },
      ]
    }
  }
  notes.push(`${evidence}: ${pct(atMax)} at ${max} ${w.replicas}${min !== max ? `, ${pct(atMin)} at ${min}` : ''}; no ${w.replicas.slice(0, -1)} change needed`)
  return []
}

function memoryRecommendations(memory: UtilisationSummary, s: CapacitySettings, notes: string[]): Recommendation[] {
  const limit = s.memoryLimitGiB
  const evidence = `memory peak ${pct(memory.peak)} of the limit at ${memory.peakHourOfWeek}; forecast next peak ${pct(memory.forecastPeak)}`
  if (limit === null) {
    notes.push(`${evidence}; no memory limit declared, so no size to suggest`)
    return []
  }
  const used = memory.forecastPeak * limit
  const replicas = s.autoscaler?.minReplicas ?? s.replicas
  if (memory.forecastPeak > HOT_UTILISATION || memory.forecastPeak < COLD_UTILISATION) {
    const to = Math.max(MEMORY_STEP_GIB, Math.ceil(used / TARGET_UTILISATION / MEMORY_STEP_GIB) * MEMORY_STEP_GIB)
    if (to !== limit) {
      const after = used / to
      // Requests follow the limit in proportion; the cost is in requested GiB on every replica, all week.
      const request = s.memoryRequestGiB ?? limit
      const delta = (request * (to / limit) - request) * replicas * HOURS_PER_WEEK
      return [
        {
          kind: 'memory',
          from: limit,
          to,
          before: memory.forecastPeak,
          after,
          vcpuHoursPerWeek: 0,
          gibHoursPerWeek: round1(delta),
          summary: `${evidence}; ${to > limit ? 'raise' : 'lower'} the memory limit ${limit} → ${to} GiB (request in proportion) → ${pct(after)}`,
        },
      ]
    }
  }
  notes.push(`${evidence} of ${limit} GiB; no memory change needed`)
  return []
}

/**
 * A database's connection limit from its connections in use (a share of max_connections): raised when the
 * forecast peak would pass the hot line; never lowered (an idle allowance costs nothing until it is used).
 */
function connectionRecommendations(connections: UtilisationSummary, s: CapacitySettings, notes: string[]): Recommendation[] {
  const max = s.maxConnections
  const { peak, peakHourOfWeek, forecastPeak } = connections
  const evidence = `connections peak ${pct(peak)} of max_connections at ${peakHourOfWeek}; forecast next peak ${pct(forecastPeak)}`
  if (!max) {
    notes.push(`${evidence}; max_connections not known, so no limit to suggest`)
    return []
  }
  const used = connections.forecastPeak * max
  if (connections.forecastPeak > HOT_UTILISATION) {
    const to = Math.ceil(used / TARGET_UTILISATION / CONNECTION_STEP) * CONNECTION_STEP
    const after = used / to
    return [
      {
        kind: 'max-connections',
        from: max,
        to,
        before: connections.forecastPeak,
        after,
        vcpuHoursPerWeek: 0,
        gibHoursPerWeek: round1((to - max) * GIB_PER_CONNECTION * HOURS_PER_WEEK),
        summary:
          `${evidence} (${Math.round(used)} of ${max}); raise max_connections ${max} → ${to} → ${pct(after)} ` +
          `(or shrink the clients' pools: ${Math.round(used)} connections at the peak)`,
      },
    ]
  }
  notes.push(`${evidence} (${Math.round(used)} of ${max}); no connection limit change needed`)
  return []
}
