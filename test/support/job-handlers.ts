import { JOB_NAMES } from '../../src/core/jobs/job-queue'
import type { JobHandlers } from '../../src/workers/jobs'

/** Handlers for every job that do nothing, but for those a test gives. */
export function handlersDoingNothing(overrides: Partial<JobHandlers> = {}): JobHandlers {
  const none = async () => {}
  return { ...(Object.fromEntries(JOB_NAMES.map((name) => [name, none])) as unknown as JobHandlers), ...overrides }
}
