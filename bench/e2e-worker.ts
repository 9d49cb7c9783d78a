/**
 * One worker process for `bench/e2e.ts --workers N`: the runtime of `sre-agent worker` (BullMQ workers on every queue) with the
 * bench's scripted telemetry, posting to the bench's fake Slack and automation receiver. The bench starts it and stops it with SIGTERM.
 * Reads BENCH_WORKER_CONFIG: a JSON object of environment settings, plus telemetrySince (ms since the epoch).
 */
import { loadConfig } from '../src/config'
import { createLogger } from '../src/logger'
import { createRuntime } from '../src/runtime'
import { BullmqWorkers } from '../src/workers/bullmq-queue'
import { ordersDbExhaustion } from '../test/fakes/scripted-telemetry'

async function main(): Promise<void> {
  const { telemetrySince, ...settings } = JSON.parse(process.env.BENCH_WORKER_CONFIG ?? '{}') as Record<string, string> & { telemetrySince: number }
  const config = loadConfig(settings)
  const logger = createLogger(config.LOG_LEVEL, { role: 'bench-worker' })
  const runtime = await createRuntime(config, logger, { telemetry: ordersDbExhaustion(new Date(telemetrySince)), slackRetries: 0 })
  const workers = new BullmqWorkers(config.REDIS_URL!, config.QUEUE_PREFIX, runtime.handlers, logger, config.WORKER_CONCURRENCY, config.WORKER_LOCK_MS)
  workers.start()
  await workers.waitUntilReady()
  process.send?.('ready')
  const stop = async () => {
    await workers.close()
    await runtime.close()
    process.exit(0)
  }
  process.once('SIGTERM', () => void stop())
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
