import { CodedError } from './errors'

/** Raised when work did not finish within its deadline. */
export class DeadlineExceeded extends CodedError<'deadline_exceeded'> {
  constructor(what: string, ms: number) {
    super('deadline_exceeded', `${what} gave no answer within ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}`)
    this.name = 'DeadlineExceeded'
  }
}

/** Resolves as `promise` does, or rejects with DeadlineExceeded after `ms`. The work itself is not cancelled. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what = 'the call'): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(what, ms)), ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}
