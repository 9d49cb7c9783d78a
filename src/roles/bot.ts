import type { Config } from '../config'
import { createAlertRoutes } from '../ingest/alert-routes'
import type { Logger } from '../logger'
import type { Runtime } from '../runtime'
import { createSlackApp, type SlackApp } from '../slack/app'
import { capacitySettingsFor } from '../integrations/capacity-settings-for'
import { startBackgroundJobs } from '../workers/start-background-jobs'
import { readinessRoute } from './readiness'

/** The Slack-facing process: Bolt listeners plus the alert webhooks, on one port. */
export function createBot(runtime: Runtime, options: { slackRetries?: number } = {}): SlackApp {
  const { config, logger, database, queue, deps } = runtime
  return createSlackApp(
    {
      botToken: config.SLACK_BOT_TOKEN!,
      signingSecret: config.SLACK_SIGNING_SECRET ?? '',
      appToken: config.SLACK_APP_TOKEN,
      slackApiUrl: config.SLACK_API_URL,
      port: config.PORT,
      host: config.HOST,
      webClientRetries: options.slackRetries,
      seenSignatures: runtime.seenSignatures,
      routes: [
        ...createAlertRoutes({ db: database.db, queue, logger, token: config.ALERT_WEBHOOK_TOKEN!, maxBodyBytes: config.ALERT_MAX_BODY_BYTES }),
        readinessRoute({ db: database.db, queue }),
      ],
    },
    {
      db: database.db,
      queue,
      config,
      logger,
      now: deps.now,
      playbooks: runtime.playbooks,
      embedder: deps.embedder,
      telemetry: deps.telemetry,
      capacity: { telemetry: deps.telemetry, settings: capacitySettingsFor(config, deps.telemetry, { kubeconfig: true })! },
    },
  )
}

export async function runBot(runtime: Runtime, config: Config, logger: Logger): Promise<() => Promise<void>> {
  const bot = createBot(runtime)
  const { port } = await bot.start()
  // Without Redis the jobs run in this process, the schedules' timers too; with Redis the workers start them.
  if (!config.REDIS_URL) await startBackgroundJobs(runtime.queue, config, logger, runtime.deps.embedder.name, runtime.deps.now())
  logger.info({ port, mode: config.SLACK_APP_TOKEN ? 'socket' : 'http', jobs: config.REDIS_URL ? 'bullmq' : 'in-process' }, 'sre-agent bot started')
  return () => bot.stop()
}
