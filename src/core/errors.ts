/**
 * Errors with a stable `code`, so callers switch on codes, not messages.
 * Caught only at the edges (HTTP handler, listener, worker) where the user is told.
 */
export class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'CodedError'
  }
}

/** A request body that does not match its schema: answer 400 naming `field`. */
export class ValidationError extends CodedError {
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
export class PermanentJobError extends CodedError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('permanent_job_failure', message, details)
    this.name = 'PermanentJobError'
  }
}
