import { CodedError } from '../../../core/errors'

/** An injection that cannot happen in this fleet (unknown service, no such dependency, end before start). */
export class InvalidInjectionError extends CodedError {
  constructor(message: string) {
    super('synthetic_injection_invalid', message)
    this.name = 'InvalidInjectionError'
  }
}
