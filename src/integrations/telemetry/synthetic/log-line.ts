import type { LogSeverity } from '../../../core/telemetry/port'

/** A generated log line; `errorGroup` says which Error Reporting group an ERROR+ line counts toward. */
export interface SyntheticLogLine {
  atMs: number
  severity: LogSeverity
  message: string
  traceId?: string
  errorGroup?: { key: string; message: string }
}

export const SEVERITY_RANK: Record<LogSeverity, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3, CRITICAL: 4 }
