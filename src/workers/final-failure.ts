import { errorMessage, PermanentJobError } from '../core/errors'
import type { JobData, JobName } from '../core/jobs/job-queue'
import type { Logger } from '../logger'
import { JOB_ATTEMPTS, type JobHandler } from './jobs'

/** Whether a job that threw on this attempt will not be tried again (both queues retry the same way). */
export function isFinalFailure(err: unknown, attempt: number): boolean {
  return err instanceof PermanentJobError || attempt >= JOB_ATTEMPTS
}

/**
 * Wraps a handler so `onFinalFailure` runs once the job has failed for good, to leave what people see
 * in a true state (e.g. a run marked failed rather than "running" forever). The job still fails.
 */
export function withFinalFailure<N extends JobName>(
  handler: JobHandler<N>,
  onFinalFailure: (data: JobData<N>, reason: string) => Promise<void>,
  logger: Logger,
): JobHandler<N> {
  return async (data, meta) => {
    try {
      await handler(data, meta)
    } catch (err) {
      if (isFinalFailure(err, meta.attempt)) {
        const reason = errorMessage(err)
        await onFinalFailure(data, reason).catch((hookErr: unknown) =>
          logger.error({ err: hookErr, job: meta.jobId }, 'could not record the final failure of a job'),
        )
      }
      throw err
    }
  }
}
