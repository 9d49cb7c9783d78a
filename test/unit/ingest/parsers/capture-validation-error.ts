import { ValidationError } from '../../../../src/core/errors'

/** Runs `parse` and returns the ValidationError it throws, so tests assert outside any catch block. */
export function captureValidationError(parse: () => unknown): ValidationError {
  try {
    parse()
  } catch (error) {
    if (error instanceof ValidationError) return error
    throw error
  }
  throw new Error('expected a ValidationError, but parsing succeeded')
}
