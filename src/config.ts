import { z } from 'zod'
import { CodedError } from './core/errors'
import { parseCronPattern } from './core/jobs/cron-pattern'
import { isKnownTimeZone } from './core/digest/zoned-calendar'
import { CHANNEL_PREFIX_PATTERN, INCIDENT_CHANNEL_MODES } from './core/incidents/incident-channel'
import { SEVERITIES } from './core/incidents/types'

/**
 * The one schema of the environment and the only reader of process.env.
 * A missing or malformed setting stops start-up with a message naming it.
 */

const slackIdList = (what: string) =>
  z
    .string()
    .default('')
    .transform((raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[UWS][A-Z0-9]{2,}$/, `each ${what} must be a Slack user id (U…/W…) or user group id (S…)`)))

const envSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /** postgres://… for Postgres (AlloyDB, Cloud SQL); pglite://<dir> or pglite://memory for the embedded database. */
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?|pglite):\/\/.+/, 'must start with postgres://, postgresql:// or pglite://')
    .default('pglite://memory'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(20),
  /** Prepare each statement once per connection; `false` behind a pooler in transaction mode that cannot keep them (PgBouncer < 1.21). */
  DATABASE_PREPARED_STATEMENTS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** redis://… runs jobs on BullMQ; unset runs them in-process (embedded mode only). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must start with redis:// or rediss://')
    .optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/)
    .default('sre'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  /** How long a worker's job lock lasts; a killed worker's job is taken over after about this long. */
  WORKER_LOCK_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),

  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'must be a bot token (xoxb-…)')
    .optional(),
  /** Verifies Slack's HTTP requests; not used in Socket Mode. */
  SLACK_SIGNING_SECRET: z.string().min(8).optional(),
  /** Set to run over Socket Mode instead of the HTTP receiver. */
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'must be an app-level token (xapp-…)')
    .optional(),
  /** Web API base URL; only changed to point at a local Slack simulator. */
  SLACK_API_URL: z.url().optional(),
  /** Milliseconds between messages in one channel once the burst is used (Slack allows about one a second); 0 turns pacing off. */
  SLACK_CHANNEL_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** Messages one channel may take back to back before the interval applies. */
  SLACK_CHANNEL_BURST: z.coerce.number().int().min(1).max(100).default(10),
  INCIDENT_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id (C…)')
    .optional(),
  APPROVERS: slackIdList('approver'),
  /** thread: every incident is a thread in INCIDENT_CHANNEL; channel: incidents at or above the minimum severity get their own channel. */
  INCIDENT_CHANNEL_MODE: z.enum(INCIDENT_CHANNEL_MODES).default('thread'),
  INCIDENT_CHANNEL_MIN_SEVERITY: z.enum(SEVERITIES).default('high'),
  /** Invited to every incident channel, with the commander (user ids U…/W…, user-group ids S…). */
  INCIDENT_RESPONDERS: slackIdList('responder'),
  INCIDENT_CHANNEL_PREFIX: z.string().regex(CHANNEL_PREFIX_PATTERN, 'must be 1 to 20 of a-z, 0-9, - and _, starting with a letter or digit').default('inc'),
  /** Incident channels are private (needs groups:write) instead of public (channels:manage). */
  INCIDENT_CHANNEL_PRIVATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),

  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Shared secret alert senders present as `Authorization: Bearer <token>` or `?token=`. */
  ALERT_WEBHOOK_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  ALERT_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),

  TELEMETRY_PROVIDER: z.enum(['gcp', 'synthetic', 'none']).default('none'),
  /** Minutes between proactive scans of every service's metrics for anomalies and saturation trends; 0 turns the scan off. */
  TELEMETRY_SCAN_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(1440).default(5),
  /** A (service, metric) is warned about at most once per this many minutes; at least the scan interval. */
  TELEMETRY_WARNING_COOLDOWN_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  /** Saturation reached further ahead than this is not warned about. */
  TELEMETRY_FORECAST_HORIZON_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** Channel of proactive warnings; INCIDENT_CHANNEL when unset. */
  TELEMETRY_WARNING_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id (C…)')
    .optional(),
  /** Minutes between refreshes of the service blueprint from sampled traces; 0 turns it off. */
  BLUEPRINT_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(1440).default(60),
  /** An observed dependency not seen in traces for this many days is retired (kept for history, out of the graph). */
  BLUEPRINT_EDGE_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  /** When the weekly trend digest is posted: a five-field cron pattern read in DIGEST_TIMEZONE; empty or `off` turns it off. */
  DIGEST_CRON: z
    .string()
    .trim()
    .default('0 9 * * 1')
    .superRefine((v, ctx) => {
      if (v === 'off') return
      try {
        parseCronPattern(v)
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) })
      }
    }),
  /** IANA time zone of the digest's cron, days and weeks. */
  DIGEST_TIMEZONE: z.string().default('UTC').refine(isKnownTimeZone, 'must be an IANA time zone name such as Europe/Paris or UTC'),
  /** Channel of the weekly digest; INCIDENT_CHANNEL when unset. */
  DIGEST_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id (C…)')
    .optional(),
  /** Channel of the blueprint's change notices; none are posted when unset. */
  BLUEPRINT_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id (C…)')
    .optional(),
  /** Channel where edits proposed for playbooks are posted to their owners; INCIDENT_CHANNEL when unset. */
  PLAYBOOK_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id (C…)')
    .optional(),
  GCP_PROJECT_ID: z.string().default('demo-project'),
  /** YAML naming each service's monitored resource, dependencies and metric overrides (src/integrations/gcp/service-catalog.ts). */
  GCP_SERVICES_FILE: z.string().optional(),
  /** Share of each API's per-project quota the agent may spend per minute, across all workers. */
  GCP_QUOTA_MONITORING_PER_MINUTE: z.coerce.number().int().min(6).default(3000),
  GCP_QUOTA_LOGGING_PER_MINUTE: z.coerce.number().int().min(6).default(60),
  GCP_QUOTA_ERROR_REPORTING_PER_MINUTE: z.coerce.number().int().min(6).default(300),
  /** Cloud Trace meters reads in units: ListTraces costs 25 of the default 300 a minute. */
  GCP_QUOTA_TRACE_UNITS_PER_MINUTE: z.coerce.number().int().min(30).default(300),
  /** Endpoint overrides (regional or private endpoints, emulators): host:port for gRPC, a base URL for REST. */
  GCP_MONITORING_ENDPOINT: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port')
    .optional(),
  GCP_LOGGING_ENDPOINT: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port')
    .optional(),
  GCP_ERROR_REPORTING_URL: z.url().optional(),
  GCP_TRACE_URL: z.url().optional(),
  /** Base URL of existing automation that playbook webhook actions call. */
  AUTOMATION_WEBHOOK_URL: z.url().optional(),
  AUTOMATION_WEBHOOK_TOKEN: z.string().optional(),
  /** Kubernetes API server for scale / rollout-restart actions; unset uses the kubeconfig or in-cluster service account. */
  KUBERNETES_API_URL: z.url().optional(),
  /** Where follow-up actions are also filed (a Jira or GitHub bridge): a JSON POST per action, with an idempotency key. */
  FOLLOWUP_WEBHOOK_URL: z.url().optional(),
  KUBERNETES_TOKEN: z.string().optional(),
  /** Namespace `/sre capacity <service>` reads the service's Deployment and HPA from (`namespace/service` picks another). */
  KUBERNETES_NAMESPACE: z.string().min(1).default('default'),
  /** Region of the Cloud Run services `/sre capacity` sizes (Admin API v2, project GCP_PROJECT_ID); unset: no Cloud Run. */
  CLOUD_RUN_REGION: z
    .string()
    .regex(/^[a-z]+-[a-z]+\d+$/, 'a Cloud Run region such as europe-west1')
    .optional(),
  /** Cloud Run Admin API root; tests point it at a local server. */
  CLOUD_RUN_API_URL: z.url().default('https://run.googleapis.com/'),
  PLAYBOOKS_DIR: z.string().default('playbooks'),
  /** local: the offline hashing embedder; vertex: Gemini / text-embedding models on Vertex AI through @google/genai. */
  EMBEDDINGS_PROVIDER: z.enum(['local', 'vertex']).default('local'),
  EMBEDDINGS_MODEL: z.string().min(1).default('gemini-embedding-001'),
  /** Output size asked of Vertex AI: at most 768, the stored vector size (smaller ones are zero-padded). */
  EMBEDDINGS_DIMENSIONS: z.coerce.number().int().min(1).max(768).default(768),
  EMBEDDINGS_LOCATION: z.string().min(1).default('us-central1'),
  /** Project billed for embeddings; GCP_PROJECT_ID when unset. */
  EMBEDDINGS_PROJECT: z.string().optional(),
  /** Past this the similar-incident search goes on with keywords and structured signals only. */
  EMBEDDINGS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** Only to reach a private endpoint or a local fake of Vertex AI. */
  EMBEDDINGS_BASE_URL: z.url().optional(),
  /** Below this calibrated confidence the bot says "no confident match". */
  CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  APPROVAL_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** Paged when an approval expires undecided (user ids U…, group ids S…); defaults to the approvers. */
  ESCALATION_CONTACTS: slackIdList('escalation contact'),
  /** Highest risk a playbook may auto-approve; "none" (default) means every action waits for a human. */
  AUTO_APPROVE_MAX_RISK: z.enum(['none', 'low', 'medium']).default('none'),
  AUTO_APPROVE_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.9),
  /** Days of log template counts kept per service; templates not seen for this long are forgotten. */
  LOG_TEMPLATE_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  /** Log templates kept per service; past it new ones are compared but not stored. */
  LOG_TEMPLATES_PER_SERVICE: z.coerce.number().int().min(10).max(100_000).default(2000),
  /** compact: one analysis message with buttons for the full sections, step results folded into the run's progress; full: every section posted. */
  THREAD_DETAIL: z.enum(['compact', 'full']).default('compact'),
  /** This many incidents of one service or alert policy within STORM_WINDOW_MINUTES make a storm: one thread, one analysis. 0 turns grouping off. */
  STORM_THRESHOLD: z.coerce.number().int().min(0).max(10_000).default(5),
  STORM_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(5),
  /** Below the threshold, how long a follower of a recent incident of its service waits for a storm to show before it gets a thread of its own (0: no wait). */
  STORM_SETTLE_SECONDS: z.coerce.number().int().min(0).max(600).default(0),
  /** Hours after its alert resolved an incident with no recorded resolution gets its one reminder (0: no reminder). */
  RESOLUTION_REMINDER_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 14)
    .default(4),
  /** The reaction (emoji name, no colons) with which a responder adds a message to the incident's timeline. */
  TIMELINE_REACTION: z
    .string()
    .trim()
    .regex(/^:?[a-z0-9_+'-]{1,100}:?$/, 'must be an emoji name such as pushpin')
    .transform((name) => name.replace(/^:|:$/g, ''))
    .default('pushpin'),
  /** The App Home dashboard is published to one person at most once in this many seconds; a burst of changes makes one refresh. */
  HOME_REFRESH_MIN_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /** Only people who opened the Home tab within this many minutes get it refreshed when something changes (others on their next visit). */
  HOME_ACTIVE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** views.publish calls the refreshes make per minute, across all people (Slack's Tier 4 allows about 100). */
  HOME_PUBLISHES_PER_MINUTE: z.coerce.number().int().min(1).max(100).default(60),
})

export type Config = z.infer<typeof envSchema>

/** Every variable read from the environment (the README's settings table lists each). */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as Array<keyof Config>

export class ConfigError extends CodedError<'config_invalid'> {
  constructor(readonly problems: string[]) {
    super('config_invalid', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { problems })
    this.name = 'ConfigError'
  }
}

export type Role = 'bot' | 'worker' | 'migrate' | 'demo'

/** Settings a role cannot start without. */
const requiredByRole: Record<Role, Array<keyof Config>> = {
  bot: ['DATABASE_URL', 'SLACK_BOT_TOKEN', 'INCIDENT_CHANNEL', 'ALERT_WEBHOOK_TOKEN'],
  worker: ['DATABASE_URL', 'REDIS_URL', 'SLACK_BOT_TOKEN', 'INCIDENT_CHANNEL'],
  migrate: ['DATABASE_URL'],
  demo: [],
}

export function loadConfig(env: Record<string, string | undefined> = process.env, role?: Role): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  // An empty DIGEST_CRON is the documented way to turn the digest off, not "use the default".
  if (env.DIGEST_CRON !== undefined && env.DIGEST_CRON.trim() === '') present.DIGEST_CRON = 'off'
  const parsed = envSchema.safeParse(present)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`))
  }
  const config = parsed.data
  const problems: string[] = []
  for (const key of role ? requiredByRole[role] : []) {
    if (config[key] === undefined) problems.push(`${key}: required to run "${role}"`)
  }
  if (role === 'bot' && config.SLACK_APP_TOKEN === undefined && config.SLACK_SIGNING_SECRET === undefined) {
    problems.push('SLACK_SIGNING_SECRET: required to run "bot" over HTTP (or set SLACK_APP_TOKEN to use Socket Mode, which does not need it)')
  }
  if ((role === 'bot' || role === 'worker') && config.DATABASE_URL.startsWith('pglite://') && config.REDIS_URL) {
    problems.push('DATABASE_URL: an embedded pglite:// database cannot be shared by separate bot and worker processes; use postgres://')
  }
  if ((role === 'worker' || role === 'bot') && config.DATABASE_POOL_SIZE <= config.WORKER_CONCURRENCY) {
    // Each running playbook step holds one connection for its lock and needs others for its queries.
    problems.push(`DATABASE_POOL_SIZE: must be larger than WORKER_CONCURRENCY (${config.WORKER_CONCURRENCY})`)
  }
  if (config.TELEMETRY_SCAN_INTERVAL_MINUTES > 0 && config.TELEMETRY_WARNING_COOLDOWN_MINUTES < config.TELEMETRY_SCAN_INTERVAL_MINUTES) {
    // A shorter cooldown would let the next scan warn again about the run the last one reported.
    problems.push(`TELEMETRY_WARNING_COOLDOWN_MINUTES: must be at least TELEMETRY_SCAN_INTERVAL_MINUTES (${config.TELEMETRY_SCAN_INTERVAL_MINUTES})`)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}
