import type { JobData, JobName } from '../core/jobs/job-queue'

export type JobHandler<N extends JobName> = (data: JobData<N>, meta: { jobId: string; attempt: number }) => Promise<void>
export type JobHandlers = { [N in JobName]: JobHandler<N> }

/** BullMQ queue names may not contain ":" or "."; one queue per job name. */
export function queueNameFor(name: JobName): string {
  return name.replace(/\./g, '-')
}

export const JOB_ATTEMPTS = 3
export const JOB_BACKOFF_MS = 500
