import type { Runtime } from '../runtime'
import { BullmqWorkers } from '../workers/bullmq-queue'
import { keepSchedulesApplied, startBackgroundJobs } from '../workers/start-background-jobs'

/** A worker process: consumes every BullMQ queue; run as many replicas as needed. */
export async function runWorker(runtime: Runtime): Promise<() => Promise<void>> {
  const { config, logger, handlers } = runtime
  const workers = new BullmqWorkers(config.REDIS_URL!, config.QUEUE_PREFIX, handlers, logger, config.WORKER_CONCURRENCY, config.WORKER_LOCK_MS)
  workers.start()
  await workers.waitUntilReady()
  await startBackgroundJobs(runtime.queue, config, logger, runtime.deps.embedder.name, runtime.deps.now())
  const stopSchedules = keepSchedulesApplied(runtime.queue, config, logger)
  logger.info({ concurrency: config.WORKER_CONCURRENCY }, 'sre-agent worker started')
  return async () => {
    stopSchedules()
    await workers.close()
  }
}
