import { CodedError } from '../../core/errors'

/** A series or label set the NAB scorer cannot score without guessing (unsorted time, overlapping windows, non-finite scores). */
export class InvalidNabInputError extends CodedError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('nab_input_invalid', message, details)
    this.name = 'InvalidNabInputError'
  }
}
