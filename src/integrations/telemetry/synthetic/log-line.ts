import type { LogSeverity } from '../../../core/telemetry/port'

/** A generated log line; `errorGroup` says which Error Reporting group an ERROR+ line counts toward. */
export interface SyntheticLogLine {
  atMs: number
  severity: LogSeverity
  message: string
  traceId?: string
  errorGroup?: { key: string; message: string }
}

export { SEVERITY_RANK } from '../../../core/telemetry/port'
