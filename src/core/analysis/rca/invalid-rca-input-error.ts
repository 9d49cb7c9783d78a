import { CodedError } from '../../errors'

/** The alert itself is unusable (no node, unknown signal, no time): there is nothing to localise from. */
export class InvalidRcaInputError extends CodedError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('rca_input_invalid', message, details)
    this.name = 'InvalidRcaInputError'
  }
}
