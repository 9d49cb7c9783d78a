/**
 * Every code a CodedError may carry, so callers switch on codes (not messages) and a typo does
 * not compile. A new error adds its code here, next to its area.
 */
export const ERROR_CODES = [
  // core
  'validation_failed',
  'permanent_job_failure',
  'deadline_exceeded',
  'telemetry_query_invalid',
  'csv_syntax',
  'rca_input_invalid',
  'nab_input_invalid',
  'metric_csv_empty',
  'metric_csv_header',
  'metric_csv_timestamp',
  'metric_csv_value',
  'metric_csv_unsorted',
  'metric_csv_duplicate_timestamp',
  'metric_point_invalid',
  'history_file_invalid',
  // configuration and the command line
  'config_invalid',
  'usage',
  // alert ingestion
  'alert_body_too_large',
  'alert_body_undecodable',
  'alert_body_encoding_unsupported',
  // storage
  'incident_upsert_failed',
  'incident_create_failed',
  'incident_not_found',
  'resolution_invalid',
  'execution_not_found',
  'stored_row_invalid',
  'playbook_invalid',
  'playbook_not_found',
  'playbook_version_not_found',
  'database_unreachable',
  // the job queue
  'queue_unavailable',
  // integrations
  'action_type_mismatch',
  'action_url_invalid',
  'action_url_not_allowed',
  'action_parameter_invalid',
  'kubernetes_preview_failed',
  'kubernetes_scale_unresolved',
  'kubernetes_read_failed',
  'cloud_run_read_failed',
  'embedding_config_invalid',
  'embedding_failed',
  'gcp_api_error',
  'gcp_quota_exhausted',
  'gcp_permission_denied',
  'gcp_response_invalid',
  'gcp_rate_limited',
  'gcp_catalog_invalid',
  'gcp_coalesce_timeout',
  'gcp_call_failed',
  'slack_auth_failed',
  'synthetic_fleet_invalid',
  'synthetic_seed_invalid',
  'synthetic_injection_invalid',
  // embedded Slack simulator
  'slack_simulator_already_started',
  'slack_simulator_not_started',
  'slack_simulator_no_socket',
  'slack_simulator_timeout',
  // evaluations
  'nab_corpus_empty',
  'nab_file_invalid',
  'nab_label_mismatch',
  'nab_results_mismatch',
  'nab_thresholds_missing',
  'petshop_dataset_empty',
  'petshop_file_invalid',
  'petshop_file_missing',
  'logparse_dataset_columns',
  'logparse_dataset_empty',
  'logparse_dataset_missing',
  'incident_root_busy',
  'blueprint_service_unknown',
  'followup_webhook_failed',
  'home_publish_rate_limited',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES)

/** For codes read back from outside (a cache, a queue): is this one of ours? */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && KNOWN_CODES.has(value)
}

/**
 * Errors with a stable `code`, so callers switch on codes, not messages.
 * Caught only at the edges (HTTP handler, listener, worker) where the user is told.
 */
export class CodedError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'CodedError'
  }
}

export function isCodedError(err: unknown): err is CodedError {
  return err instanceof CodedError
}

/** Narrows `err` to a CodedError carrying `code`: `if (hasErrorCode(err, 'telemetry_query_invalid')) …`. */
export function hasErrorCode<C extends ErrorCode>(err: unknown, code: C): err is CodedError<C> {
  return err instanceof CodedError && err.code === code
}

/** A request body that does not match its schema: answer 400 naming `field`. */
export class ValidationError extends CodedError<'validation_failed'> {
  constructor(
    message: string,
    readonly field: string,
    details?: Record<string, unknown>,
  ) {
    super('validation_failed', message, { field, ...details })
    this.name = 'ValidationError'
  }
}

/**
 * Thrown when retrying cannot help (bad payload, missing record). The worker marks
 * the job failed at once instead of retrying it.
 */
export class PermanentJobError extends CodedError<'permanent_job_failure'> {
  constructor(message: string, details?: Record<string, unknown>) {
    super('permanent_job_failure', message, details)
    this.name = 'PermanentJobError'
  }
}

/**
 * The message of anything thrown: an Error's message, else the value as text. With `rootCause`, the message of the
 * innermost Error in the `cause` chain (drizzle wraps the driver's own words behind the SQL).
 */
export function errorMessage(err: unknown, options: { rootCause?: boolean } = {}): string {
  let current = err
  if (options.rootCause) while (current instanceof Error && current.cause instanceof Error) current = current.cause
  return current instanceof Error ? current.message : String(current)
}
