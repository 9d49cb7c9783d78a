import { WebClient } from '@slack/web-api'
import type { Config } from './config'
import { HashingEmbedder } from './core/correlation/hashing-embedder'
import type { Embedder } from './core/correlation/embedder'
import type { Playbook } from './core/playbooks/schema'
import type { TelemetryPort } from './core/telemetry/port'
import type { ActionExecutor } from './core/playbooks/action-port'
import { KubernetesActionExecutor, loadKubeConfig } from './integrations/actions/kubernetes-action-executor'
import { capacitySettingsFor } from './integrations/capacity-settings-for'
import { RoutingActionExecutor } from './integrations/actions/routing-action-executor'
import { WebhookActionExecutor } from './integrations/actions/webhook-action-executor'
import { MemoryChannelPacing } from './integrations/pacing/memory-channel-pacing'
import { RedisChannelPacing } from './integrations/pacing/redis-channel-pacing'
import { MemoryWarningClaims } from './integrations/claims/memory-warning-claims'
import { RedisWarningClaims } from './integrations/claims/redis-warning-claims'
import { UnavailableTelemetry } from './integrations/telemetry/unavailable-telemetry'
import type { Logger } from './logger'
import { WebhookFollowupTracker } from './integrations/followups/webhook-followup-tracker'
import { HttpProbe } from './integrations/probes/http-probe'
import { SlackIncidentThread } from './slack/incident-thread-presenter'
import { SlackMessenger } from './slack/messenger'
import { SlackIncidentChannels } from './slack/incident-channels'
import { SlackHomeTab } from './slack/home-tab-presenter'
import { migrateDatabase, openDatabase, type DatabaseHandle } from './storage/database'
import { loadPlaybookFiles } from './storage/playbook-files'
import { EMBEDDING_DIMENSIONS } from './storage/schema'
import { syncPlaybooks } from './storage/repositories/playbook-versions'
import { CAPACITY_SCALE_PLAYBOOKS } from './core/capacity/scale-offer'
import { BullmqJobQueue } from './workers/bullmq-queue'
import { InProcessJobQueue } from './workers/in-process-queue'
import { createJobHandlers } from './workers/job-handlers'
import type { JobQueue } from './core/jobs/job-queue'
import type { JobHandlers } from './workers/jobs'
import type { WorkerDeps } from './workers/worker-deps'
import { RedisSeenSignatures } from './integrations/redis/redis-seen-signatures'
import { MemorySeenSignatures, type SeenSignatures } from './slack/replay/seen-signatures'

export interface RuntimeOverrides {
  telemetry?: TelemetryPort
  actions?: ActionExecutor
  embedder?: Embedder
  now?: () => Date
  /** Tests turn WebClient retries off so failures answer at once. */
  slackRetries?: number
}

export interface Runtime {
  config: Config
  logger: Logger
  database: DatabaseHandle
  queue: JobQueue
  /** Set in embedded mode: jobs run here, in-process. */
  inProcessQueue: InProcessJobQueue | null
  handlers: JobHandlers
  deps: WorkerDeps
  playbooks: Playbook[]
  /** Signatures of the Slack requests served, so a replay is refused (Redis across bot replicas; memory when embedded). */
  seenSignatures: SeenSignatures
  close(): Promise<void>
}

/** Wires the ports to their implementations for one process: the only place that does. */
export async function createRuntime(config: Config, logger: Logger, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const database = await openDatabase(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE, preparedStatements: config.DATABASE_PREPARED_STATEMENTS })
  // The embedded database is private to this process, so it is migrated here; Postgres by `sre-agent migrate`.
  if (database.kind === 'pglite') await migrateDatabase(database)
  const files = loadPlaybookFiles(config.PLAYBOOKS_DIR)
  // A changed file becomes a new version; the current versions (an approved edit included) are what this process runs.
  // The Scale button's runs are stored like any playbook's, though they are not in the catalogue.
  const synced = await syncPlaybooks(database.db, [...files, ...Object.values(CAPACITY_SCALE_PLAYBOOKS)])
  for (const s of synced) if (s.created !== null) logger.info({ playbook: s.playbook.id, version: s.created }, 'playbook file changed: new version')
  const playbooks = synced.slice(0, files.length).map((s) => s.playbook)

  const inProcessQueue = config.REDIS_URL ? null : new InProcessJobQueue(logger)
  const queue: JobQueue = inProcessQueue ?? new BullmqJobQueue(config.REDIS_URL!, config.QUEUE_PREFIX)
  const now = overrides.now ?? (() => new Date())
  const telemetry = overrides.telemetry ?? (await telemetryFor(config, now()))
  const client = new WebClient(config.SLACK_BOT_TOKEN, {
    slackApiUrl: config.SLACK_API_URL,
    retryConfig: overrides.slackRetries === undefined ? undefined : { retries: overrides.slackRetries },
    // A 429 comes back to the messenger, which holds the channel for every replica and sends again.
    rejectRateLimitedCalls: true,
  })
  const rate = { intervalMs: config.SLACK_CHANNEL_INTERVAL_MS, burst: config.SLACK_CHANNEL_BURST }
  const pacing = config.REDIS_URL ? new RedisChannelPacing(config.REDIS_URL, config.QUEUE_PREFIX, rate) : new MemoryChannelPacing(rate)
  const warningClaims = config.REDIS_URL ? new RedisWarningClaims(config.REDIS_URL, config.QUEUE_PREFIX) : new MemoryWarningClaims(() => now().getTime())
  const seenSignatures = config.REDIS_URL ? new RedisSeenSignatures(config.REDIS_URL, config.QUEUE_PREFIX) : new MemorySeenSignatures()
  // Only with a source named: an analysis must not go looking for a kubeconfig on a laptop (nor size the synthetic fleet).
  const capacitySettings = capacitySettingsFor(config, undefined, { kubeconfig: false })
  const deps: WorkerDeps = {
    db: database.db,
    tryWithLock: database.tryWithLock,
    queue,
    thread: new SlackIncidentThread(new SlackMessenger(client, database.db, pacing), logger, config.THREAD_DETAIL, new SlackIncidentChannels(client)),
    home: new SlackHomeTab(client, logger),
    telemetry,
    warningClaims,
    embedder: overrides.embedder ?? (await embedderFor(config)),
    playbooks,
    actions:
      overrides.actions ??
      new RoutingActionExecutor(
        new WebhookActionExecutor({ token: config.AUTOMATION_WEBHOOK_TOKEN, allowedBaseUrl: config.AUTOMATION_WEBHOOK_URL }),
        () => new KubernetesActionExecutor(loadKubeConfig({ apiUrl: config.KUBERNETES_API_URL, token: config.KUBERNETES_TOKEN })),
      ),
    probe: new HttpProbe(),
    capacitySettings,
    // The weekly sizing may use the synthetic fleet's own settings: it is what the demo's `/sre capacity` answers from.
    digestCapacitySettings: capacitySettings ?? capacitySettingsFor(config, telemetry, { kubeconfig: false }),
    followups: config.FOLLOWUP_WEBHOOK_URL ? new WebhookFollowupTracker(config.FOLLOWUP_WEBHOOK_URL) : null,
    // Loaded on first use: resvg and the chart code are only needed once a week.
    renderDigestCharts: async (data) => (await import('./integrations/render/digest-charts')).renderDigestCharts(data),
    config,
    logger,
    now,
  }
  const handlers = createJobHandlers(deps)
  inProcessQueue?.attach(handlers)
  return {
    config,
    logger,
    database,
    queue,
    inProcessQueue,
    handlers,
    deps,
    playbooks,
    seenSignatures,
    async close() {
      await queue.close()
      await warningClaims.close()
      await seenSignatures.close()
      await pacing.close()
      // The GCP provider holds gRPC channels and Redis connections.
      await (telemetry as Partial<{ close(): Promise<void> }>).close?.()
      await database.close()
    },
  }
}

/** The embedder the configuration names: the local one, or Vertex AI. */
export async function embedderFor(config: Config): Promise<Embedder> {
  if (config.EMBEDDINGS_PROVIDER !== 'vertex') return new HashingEmbedder(EMBEDDING_DIMENSIONS)
  const { VertexEmbedder } = await import('./integrations/genai/vertex-embedder')
  return new VertexEmbedder({
    project: config.EMBEDDINGS_PROJECT ?? config.GCP_PROJECT_ID,
    location: config.EMBEDDINGS_LOCATION,
    model: config.EMBEDDINGS_MODEL,
    dimensions: config.EMBEDDINGS_DIMENSIONS,
    storedDimensions: EMBEDDING_DIMENSIONS,
    timeoutMs: config.EMBEDDINGS_TIMEOUT_MS,
    baseUrl: config.EMBEDDINGS_BASE_URL,
  })
}

export async function telemetryFor(config: Config, now: Date): Promise<TelemetryPort> {
  if (config.TELEMETRY_PROVIDER === 'gcp') return (await import('./integrations/gcp/create-gcp-telemetry')).createGcpTelemetry(config)
  if (config.TELEMETRY_PROVIDER !== 'synthetic') return new UnavailableTelemetry()
  // Loaded only when asked for: production processes never carry the synthetic fleet.
  const { createDemoFleet, DEFAULT_SYNTHETIC_SEED } = await import('./integrations/telemetry/synthetic')
  return createDemoFleet(now, DEFAULT_SYNTHETIC_SEED, {}, config.GCP_PROJECT_ID)
}
