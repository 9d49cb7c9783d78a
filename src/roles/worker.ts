import type { Runtime } from '../runtime'
import { BullmqWorkers } from '../workers/bullmq-queue'
import { enqueueReembedHistory } from '../workers/processors/reembed-history'
import { applyTelemetryScanSchedule } from '../workers/telemetry-scan-schedule'

/** A worker process: consumes every BullMQ queue; run as many replicas as needed. */
export async function runWorker(runtime: Runtime): Promise<() => Promise<void>> {
  const { config, logger, handlers } = runtime
  const workers = new BullmqWorkers(config.REDIS_URL!, config.QUEUE_PREFIX, handlers, logger, config.WORKER_CONCURRENCY, config.WORKER_LOCK_MS)
  workers.start()
  await workers.waitUntilReady()
  await applyTelemetryScanSchedule(runtime.queue, config, logger)
  logger.info({ concurrency: config.WORKER_CONCURRENCY }, 'sre-agent worker started')
  // History embedded by another model is invisible to vector search until re-embedded.
  await enqueueReembedHistory(runtime.queue, runtime.deps.embedder.name)
  return () => workers.close()
}
