import { TelemetryQueryError } from '../../core/telemetry/port'

/**
 * A double-quoted string of the Monitoring and Logging filter languages. Backslashes and
 * quotes are escaped so text from an alert can never end the string and add a clause.
 */
export function quoteFilterString(value: string, what: string): string {
  // Control characters have no escape both languages agree on; no real label or search needs them.
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new TelemetryQueryError(`${what} contains a control character`)
  if (value.length > 1024) throw new TelemetryQueryError(`${what} is longer than 1024 characters`)
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** A label key as both languages accept it unquoted after `resource.labels.` / `metric.labels.`. */
export function filterLabelKey(key: string, what: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(key)) throw new TelemetryQueryError(`${what} "${key}" is not a valid label key`)
  return key
}
