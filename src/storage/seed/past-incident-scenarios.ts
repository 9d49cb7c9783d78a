import type { SeededRandom } from '../../integrations/telemetry/synthetic'
import type { ResolutionOutcome, Severity } from '../../core/incidents/types'

type Text = string | ((r: SeededRandom) => string)

export interface ScenarioResolution {
  text: Text
  outcome: ResolutionOutcome
  playbookId: string | null
}

/**
 * Errors seen around a past incident, as its analysis stored them for later ones: error log lines
 * of one shape (their variable parts drawn per line), or an Error Reporting group. A group's key
 * gives it the same id in every incident, as Error Reporting keeps a group across incidents.
 */
export type PastIncidentError =
  | { service: string; count: number; logLine: (r: SeededRandom) => string }
  | { service: string; count: number; errorGroup: { key: string; message: string } }

/** One way an incident of a scenario came about; its summaries and fixes belong to that cause. */
export interface ScenarioCause {
  rootCause: Text
  summaries: Text[]
  resolutions: ScenarioResolution[]
  errors?: PastIncidentError[]
}

/** One kind of incident the fleet has had, with enough wording variants that no two read alike. */
export interface IncidentScenario {
  key: string
  service: string
  resourceType: string
  policyName: string
  severities: Severity[]
  /** Alert titles: they describe the symptom, so they are shared by all causes. */
  titles: Text[]
  causes: ScenarioCause[]
  durationMinutes: [number, number]
  labels: Record<string, string>
}

/** An incident the demo relies on, written out in full and placed a fixed number of days back. */
export interface PinnedIncident {
  daysAgo: number
  service: string
  resourceType: string
  policyName: string
  severity: Severity
  title: string
  summary: string
  rootCause: string
  resolution: string
  resolutionOutcome: ResolutionOutcome
  playbookId: string | null
  durationMinutes: number
  labels: Record<string, string>
  errors?: PastIncidentError[]
}

/** Alert policy names, shared with the demo's alerts and the playbooks' match rules. */
export const POLICIES = {
  paymentLatency: 'payment-api p95 latency > 2 s',
  paymentErrors: 'payment-api 5xx ratio > 2%',
  checkoutDbConnections: 'checkout-db connections > 90% of max',
  checkoutApiLatency: 'checkout-api p95 latency > 3 s',
  checkoutApiErrors: 'checkout-api 5xx ratio > 2%',
  checkoutDbCpu: 'checkout-db CPU > 85%',
  checkoutDbDisk: 'checkout-db disk usage > 90%',
  frontendErrors: 'frontend 5xx ratio > 1%',
  frontendLatency: 'frontend p95 latency > 1.5 s',
  containerRestarts: 'Container restarts (OOMKilled) > 3 in 15 min',
  pubsubBacklog: 'orders-inventory oldest unacked message age > 10 min',
  quota: 'Google API quota usage > 95%',
  certificate: 'TLS certificate expires in < 14 days',
  fraudErrors: 'fraud-check error ratio > 1%',
  nodeDisk: 'GKE node ephemeral storage > 85%',
} as const

const prod = (team: string, extra: Record<string, string> = {}) => ({ env: 'prod', region: 'europe-west1', team, ...extra })

/** payment-api's calls to fraud-check hitting their 2.5 s deadline: the log line and the Error Reporting group. */
const fraudCheckTimeouts = (lines: number): PastIncidentError[] => [
  {
    service: 'payment-api',
    count: lines,
    logLine: (r) =>
      `upstream request timeout: POST /v1/score on fraud-check timed out after 2500ms (attempt ${r.chance(0.6) ? '2/2' : '1/2'}) request_id=${r.hex(16)}`,
  },
  {
    service: 'payment-api',
    count: lines,
    errorGroup: { key: 'deadline:fraud-check', message: 'UpstreamTimeoutError: call to fraud-check (POST /v1/score) exceeded its 2500ms deadline' },
  },
]
/** checkout-db refusing connections past max_connections (Cloud SQL's postgres log). */
const checkoutDbSlotsFull = (lines: number): PastIncidentError[] => [
  {
    service: 'checkout-db',
    count: lines,
    logLine: (r) =>
      `[${r.int(20_000, 65_000)}]: [1-1] db=checkout,user=checkout_app FATAL:  ` +
      'remaining connection slots are reserved for non-replication superuser connections',
  },
  {
    service: 'checkout-db',
    count: lines,
    errorGroup: { key: 'pg-connection-slots', message: 'FATAL: remaining connection slots are reserved for non-replication superuser connections' },
  },
]
/** checkout-api requests giving up on a connection from its checkout-db pool. */
const checkoutApiPoolTimeouts = (lines: number): PastIncidentError[] => [
  {
    service: 'checkout-api',
    count: lines,
    logLine: (r) => `timeout acquiring connection from pool after 5000ms (pool=checkout-db active=50 idle=0 waiting=${r.int(12, 90)}) request_id=${r.hex(16)}`,
  },
  {
    service: 'checkout-api',
    count: lines,
    errorGroup: { key: 'pool-acquire-timeout:checkout-db', message: 'TimeoutError: timeout acquiring connection from pool checkout-db' },
  },
]
/** A Node.js service killed at its memory limit. */
const heapOutOfMemory = (service: string, kills: number): PastIncidentError[] => [
  {
    service,
    count: kills,
    errorGroup: { key: 'heap-out-of-memory', message: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' },
  },
  { service, count: kills, errorGroup: { key: 'oom-killed', message: `Container ${service} OOMKilled (exit code 137)` } },
]

/**
 * History the two demo scenarios lean on. Payment latency: slow fraud-check fixed by
 * the circuit breaker (once after a failed scale-out), plus look-alikes with other
 * causes. checkout-db: connection exhaustion fixed by pgbouncer restarts, pool sizing
 * and killing idle-in-transaction sessions (once after a failed max_connections bump).
 */
export const PINNED_INCIDENTS: PinnedIncident[] = [
  {
    daysAgo: 166,
    service: 'payment-api',
    resourceType: 'k8s_container',
    policyName: POLICIES.paymentLatency,
    severity: 'critical',
    title: 'payment-api p95 latency > 2 s',
    summary: 'POST /v1/payments/authorize p95 at 3.1 s for 40 min; payment-api pods CPU normal, fraud-check /v1/score p95 2.8 s.',
    rootCause:
      'fraud-check feature-store reads hot-spotted on one Bigtable tablet after a customer-id key change; ' +
      'every scoring call from payment-api ran into its 2.5 s client timeout.',
    resolution:
      'Scaled payment-api from 6 to 12 replicas. No effect: the time was spent waiting on fraud-check. Recovered when the risk team reverted the key change.',
    resolutionOutcome: 'failed',
    playbookId: null,
    durationMinutes: 74,
    labels: prod('payments', { dependency: 'fraud-check', source: 'gcp' }),
    errors: fraudCheckTimeouts(900),
  },
  {
    daysAgo: 162,
    service: 'payment-api',
    resourceType: 'k8s_container',
    policyName: POLICIES.paymentLatency,
    severity: 'critical',
    title: 'Payment authorization slow: fraud-check upstream timeouts',
    summary: 'fraud-check upstream timeouts; circuit breaker opened after 6 min and payments fell back to rule-based scoring.',
    rootCause: 'Same fraud-check feature-store hot tablet as four days earlier; payment-api waited the full 2.5 s per call before timing out.',
    resolution:
      'Enabled the circuit breaker on payment-api → fraud-check with fallback rule-based scoring; p95 back under 400 ms within 3 min. ' +
      'Risk team fixed the row-key design the next day.',
    resolutionOutcome: 'worked',
    playbookId: 'latency-slow-dependency',
    durationMinutes: 19,
    labels: prod('payments', { dependency: 'fraud-check', source: 'gcp' }),
    errors: fraudCheckTimeouts(260),
  },
  {
    daysAgo: 131,
    service: 'payment-api',
    resourceType: 'k8s_container',
    policyName: POLICIES.paymentLatency,
    severity: 'high',
    title: 'payment-api p95 latency > 2 s after release 2024.31',
    summary: 'Latency stepped from 180 ms to 2.4 s the minute revision payment-api-00112 took traffic; fraud-check and PSP latency unchanged.',
    rootCause: 'Revision 00112 added a synchronous FX-rate lookup per line item (N+1 calls to the rates service).',
    resolution: 'Rolled back payment-api to revision 00111; fix shipped in 00114 with a per-request rate cache.',
    resolutionOutcome: 'worked',
    playbookId: 'deploy-5xx-rollback',
    durationMinutes: 27,
    labels: prod('payments', { source: 'gcp', deploy: 'payment-api-00112' }),
  },
  {
    daysAgo: 118,
    service: 'checkout-db',
    resourceType: 'cloudsql_database',
    policyName: POLICIES.checkoutDbConnections,
    severity: 'critical',
    title: 'checkout-db connections > 90% of max',
    summary: 'checkout-api logging "timeout acquiring connection from pool"; checkout-db at 196/200 connections, 140 of them idle in transaction.',
    rootCause: 'checkout-api left transactions open on a validation-error path, so sessions sat idle in transaction holding their slots.',
    resolution:
      'Raised Cloud SQL max_connections from 200 to 400. Needed an instance restart (4 min of checkout errors) ' +
      'and exhaustion came back within the hour: pgbouncer default_pool_size was unchanged and the leak kept going.',
    resolutionOutcome: 'failed',
    playbookId: null,
    durationMinutes: 95,
    labels: prod('checkout', { database: 'checkout', source: 'gcp' }),
    errors: [...checkoutDbSlotsFull(700), ...checkoutApiPoolTimeouts(900)],
  },
  {
    daysAgo: 117,
    service: 'checkout-db',
    resourceType: 'cloudsql_database',
    policyName: POLICIES.checkoutDbConnections,
    severity: 'critical',
    title: 'checkout-db: remaining connection slots are reserved — checkout failing',
    summary: 'Connection exhaustion again a day after the max_connections change; checkout-api 503s at 18%.',
    rootCause: 'The same idle-in-transaction leak in checkout-api; pgbouncer pool saturated with leaked server connections.',
    resolution:
      'Terminated idle-in-transaction sessions older than 5 min (pg_terminate_backend), restarted pgbouncer, ' +
      'and set idle_in_transaction_session_timeout = 60s. Leak fixed in checkout-api 3.14.2.',
    resolutionOutcome: 'worked',
    playbookId: 'db-connection-exhaustion',
    durationMinutes: 16,
    labels: prod('checkout', { database: 'checkout', source: 'gcp' }),
    errors: [...checkoutDbSlotsFull(380), ...checkoutApiPoolTimeouts(520)],
  },
  {
    daysAgo: 98,
    service: 'payment-api',
    resourceType: 'k8s_container',
    policyName: POLICIES.paymentLatency,
    severity: 'critical',
    title: '[FIRING:1] payment-api HighLatencyP95 (critical)',
    summary: 'Checkout payments slow; 90% of trace time in fraudcheck.v1.FraudScoring/Score, payment-api logging upstream request timeout to fraud-check.',
    rootCause: 'fraud-check rolled out model gbm-v13, which doubled inference time; fraud-check pods were CPU-throttled at their limit.',
    resolution: 'Turned on fallback scoring through the payment-api circuit breaker for fraud-check, then the risk team rolled fraud-check back to gbm-v12.',
    resolutionOutcome: 'worked',
    playbookId: 'latency-slow-dependency',
    durationMinutes: 24,
    labels: prod('payments', { dependency: 'fraud-check', source: 'alertmanager' }),
    errors: fraudCheckTimeouts(610),
  },
  {
    daysAgo: 88,
    service: 'checkout-db',
    resourceType: 'cloudsql_database',
    policyName: POLICIES.checkoutDbCpu,
    severity: 'high',
    title: 'checkout-db CPU > 85% for 15 min',
    summary: 'Sequential scans on order_items after the returns schema change; checkout-api p95 1.9 s, connections normal.',
    rootCause: 'Migration 0193 dropped and did not recreate the index on order_items(order_id).',
    resolution: 'Recreated the index with CREATE INDEX CONCURRENTLY; CPU back to 35%.',
    resolutionOutcome: 'worked',
    playbookId: null,
    durationMinutes: 52,
    labels: prod('checkout', { database: 'checkout', source: 'gcp' }),
  },
  {
    daysAgo: 74,
    service: 'payment-api',
    resourceType: 'k8s_container',
    policyName: POLICIES.paymentLatency,
    severity: 'warning',
    title: 'payment-api latency spikes every ~10 min (GC pauses)',
    summary: 'p95 sawtooth up to 2.2 s; major GC pauses of 1.4–1.8 s in payment-api logs, fraud-check flat.',
    rootCause: 'Heap limit lowered to 1 GiB in the resource right-sizing; old-generation GC pauses lined up with the capture batch.',
    resolution: 'Raised the memory limit to 2 GiB and set --max-old-space-size=1536; pauses under 80 ms.',
    resolutionOutcome: 'worked',
    playbookId: null,
    durationMinutes: 140,
    labels: prod('payments', { source: 'gcp' }),
  },
  {
    daysAgo: 66,
    service: 'checkout-db',
    resourceType: 'cloudsql_database',
    policyName: POLICIES.checkoutDbConnections,
    severity: 'high',
    title: 'FATAL: remaining connection slots are reserved (checkout-db)',
    summary: 'checkout-db hit max_connections at 02:10; inventory reconciliation batch held 150 direct connections.',
    rootCause: 'The nightly inventory reconciliation job connected to checkout-db directly instead of through pgbouncer, with a 150-connection pool.',
    resolution: 'Killed the batch job sessions, moved the job behind pgbouncer with pool_size 10.',
    resolutionOutcome: 'worked',
    playbookId: 'db-connection-exhaustion',
    durationMinutes: 22,
    labels: prod('checkout', { database: 'checkout', source: 'gcp' }),
    errors: checkoutDbSlotsFull(240),
  },
  {
    daysAgo: 55,
    service: 'payment-api',
    resourceType: 'k8s_container',
    policyName: POLICIES.paymentLatency,
    severity: 'high',
    title: 'payment-api p95 latency > 2 s (PSP degradation)',
    summary: 'Adyen authorisation calls slow in EU; fraud-check and payment-api CPU normal, latency all in the PSP span.',
    rootCause: 'Adyen EU authorisation API degraded (their status page incident).',
    resolution: 'Failed over card authorisations to the secondary PSP for 40 min; switched back after Adyen recovered.',
    resolutionOutcome: 'unknown',
    playbookId: null,
    durationMinutes: 63,
    labels: prod('payments', { dependency: 'adyen', source: 'gcp' }),
  },
  {
    daysAgo: 41,
    service: 'payment-api',
    resourceType: 'k8s_container',
    policyName: POLICIES.paymentLatency,
    severity: 'critical',
    title: 'High latency on payment authorization (p95 2.6 s)',
    summary: 'Promo traffic spike saturated the fraud-check worker pool; payment-api timeouts to fraud-check, checkout conversion down 12%.',
    rootCause:
      'fraud-check worker pool (64 workers per pod, HPA max 8 pods) too small for promo traffic; queueing pushed scoring past the 2.5 s client timeout.',
    resolution: 'Enabled the fraud-check circuit breaker with fallback scoring, then raised fraud-check HPA max replicas from 8 to 16.',
    resolutionOutcome: 'worked',
    playbookId: 'latency-slow-dependency',
    durationMinutes: 31,
    labels: prod('payments', { dependency: 'fraud-check', source: 'gcp' }),
    errors: fraudCheckTimeouts(840),
  },
  {
    daysAgo: 23,
    service: 'checkout-db',
    resourceType: 'cloudsql_database',
    policyName: POLICIES.checkoutDbConnections,
    severity: 'critical',
    title: 'checkout-db connection pool exhausted — checkout 503s',
    summary: 'A long-running migration held a lock on orders; sessions piled up idle in transaction and checkout-api could not get connections.',
    rootCause: 'Migration 0211 (ALTER TABLE orders) ran at peak and blocked writers; pgbouncer pool filled with waiting sessions.',
    resolution: 'Cancelled the migration, terminated idle-in-transaction sessions and restarted pgbouncer; migration rescheduled off-peak with lock_timeout.',
    resolutionOutcome: 'worked',
    playbookId: 'db-connection-exhaustion',
    durationMinutes: 18,
    labels: prod('checkout', { database: 'checkout', source: 'gcp' }),
    errors: checkoutApiPoolTimeouts(610),
  },
  {
    daysAgo: 12,
    service: 'payment-api',
    resourceType: 'k8s_container',
    policyName: POLICIES.paymentLatency,
    severity: 'high',
    title: 'payment-api latency SLO burn rate 14x (1 h window)',
    summary: 'fraud-check Vertex AI endpoint slow after an autoscaling lag; payment-api waiting on fraud-check scoring until timeout.',
    rootCause: 'fraud-check online prediction endpoint scaled from 2 nodes too slowly during a traffic ramp; scoring p95 3 s.',
    resolution: 'Enabled circuit breaker on calls from payment-api to fraud-check (fallback scoring) and raised the endpoint min nodes to 4.',
    resolutionOutcome: 'worked',
    playbookId: 'latency-slow-dependency',
    durationMinutes: 22,
    labels: prod('payments', { dependency: 'fraud-check', source: 'gcp' }),
    errors: fraudCheckTimeouts(470),
  },
  {
    daysAgo: 6,
    service: 'checkout-api',
    resourceType: 'k8s_container',
    policyName: POLICIES.checkoutApiLatency,
    severity: 'high',
    title: 'checkout-api p95 latency > 3 s — waiting on checkout-db pool',
    summary: 'checkout-api threads blocked acquiring connections from pool checkout-db; checkout-db at 99% of max connections.',
    rootCause: 'pgbouncer default_pool_size (50) too small after checkout-api scaled from 10 to 24 pods for a sale.',
    resolution: 'Raised pgbouncer default_pool_size from 50 to 90 and restarted pgbouncer.',
    resolutionOutcome: 'worked',
    playbookId: 'db-connection-exhaustion',
    durationMinutes: 14,
    labels: prod('checkout', { database: 'checkout', source: 'gcp' }),
    errors: checkoutApiPoolTimeouts(330),
  },
]

const pct = (r: SeededRandom, low: number, high: number) => `${r.int(low, high)}%`
const seconds = (r: SeededRandom, low: number, high: number) => `${r.between(low, high).toFixed(1)} s`
const revision = (r: SeededRandom, service: string) => `${service}-${String(r.int(40, 260)).padStart(5, '0')}-${r.token(3)}`

/** The rest of the fleet's history: recurring kinds of trouble, each told many ways. */
export const FILLER_SCENARIOS: IncidentScenario[] = [
  {
    key: 'frontend-bad-deploy',
    service: 'frontend',
    resourceType: 'k8s_container',
    policyName: POLICIES.frontendErrors,
    severities: ['high', 'critical'],
    titles: [
      'frontend 5xx ratio > 1%',
      (r) => `Storefront returning 500s after deploy (${pct(r, 3, 19)} of requests)`,
      '[FIRING:1] FrontendHighErrorRate',
      (r) => `frontend error spike right after rollout of ${revision(r, 'frontend')}`,
    ],
    causes: [
      {
        rootCause: 'A null price from the catalog API was not handled by the new ProductTile component.',
        summaries: [
          (r) => `5xx jumped from 0.2% to ${pct(r, 3, 15)} within a minute of the deploy; TypeError in ProductTile server component.`,
          'Product pages failing to render; errors started with the new revision, previous revision healthy.',
        ],
        resolutions: [
          {
            text: (r) => `Rolled back frontend to ${revision(r, 'frontend')}; null guard shipped the next day.`,
            outcome: 'worked',
            playbookId: 'deploy-5xx-rollback',
          },
          { text: 'Tried a hotfix forward; it failed the canary, so rolled back after 25 min.', outcome: 'failed', playbookId: null },
        ],
      },
      {
        rootCause: 'The build used a stale environment file; the API base URL pointed at staging.',
        summaries: [(r) => `Every /checkout render failing after release; ${r.int(2, 9)}k failed page views, calls going to staging hosts.`],
        resolutions: [{ text: 'Rolled back the deploy and pinned the env file in CI.', outcome: 'worked', playbookId: 'deploy-5xx-rollback' }],
      },
    ],
    durationMinutes: [8, 45],
    labels: prod('storefront', { source: 'gcp' }),
  },
  {
    key: 'checkout-api-bad-deploy',
    service: 'checkout-api',
    resourceType: 'k8s_container',
    policyName: POLICIES.checkoutApiErrors,
    severities: ['critical', 'high'],
    titles: [
      'checkout-api 5xx ratio > 2%',
      (r) => `Checkout failing for ${pct(r, 4, 30)} of orders after checkout-api release`,
      (r) => `checkout-api 500s since ${revision(r, 'checkout-api')}`,
    ],
    causes: [
      {
        rootCause: 'Line items without a variant id (gift cards) were not handled by the new promotions code.',
        summaries: [
          'Error rate stepped up the minute the new revision took traffic; "Cannot read properties of undefined (reading \'id\')" in mapLineItems.',
          (r) => `Orders with gift cards failing with 500; ${r.int(200, 1_800)} failed checkouts before the rollback.`,
        ],
        resolutions: [{ text: (r) => `Rolled back checkout-api to ${revision(r, 'checkout-api')}.`, outcome: 'worked', playbookId: 'deploy-5xx-rollback' }],
      },
      {
        rootCause: 'A feature flag default flipped to on in the release; the new tax path threw on EU addresses.',
        summaries: ['500s only for EU shipping addresses after the release; new tax-region code in the stack traces.'],
        resolutions: [
          { text: 'Disabled the feature flag; errors stopped without a rollback.', outcome: 'worked', playbookId: null },
          { text: 'Rolled back checkout-api; flag default fixed before the re-release.', outcome: 'worked', playbookId: 'deploy-5xx-rollback' },
        ],
      },
    ],
    durationMinutes: [6, 35],
    labels: prod('checkout', { source: 'gcp' }),
  },
  {
    key: 'cart-memory-leak',
    service: 'cart',
    resourceType: 'k8s_container',
    policyName: POLICIES.containerRestarts,
    severities: ['warning', 'high'],
    titles: [
      'cart pods OOMKilled repeatedly',
      (r) => `Container restarts (OOMKilled) > 3 in 15 min: cart (${r.int(4, 14)} restarts)`,
      'cart memory climbing to limit, restarts every ~30 min',
    ],
    causes: [
      {
        rootCause: 'The recommendation cache in cart kept every cart id forever (no TTL, no size bound).',
        summaries: ['Memory grows linearly from start to the 1 GiB limit; OOMKilled, exit code 137; brief 502s on every restart.'],
        resolutions: [
          { text: 'Rolling restart of cart, then shipped a bounded LRU for the cache.', outcome: 'worked', playbookId: 'memory-leak-oom' },
          { text: 'Raised the memory limit to 2 GiB; it only delayed the OOM kills by an hour.', outcome: 'failed', playbookId: null },
        ],
        errors: heapOutOfMemory('cart', 6),
      },
      {
        rootCause: 'A gRPC client was created per request and never closed; channels leaked.',
        summaries: [(r) => `${r.int(3, 9)} cart pods in CrashLoopBackOff after OOM kills; cart p95 up to ${seconds(r, 0.8, 2.5)} during GC thrash.`],
        resolutions: [{ text: 'Rolled back to the previous revision without the leak.', outcome: 'worked', playbookId: 'memory-leak-oom' }],
        errors: heapOutOfMemory('cart', 9),
      },
    ],
    durationMinutes: [30, 240],
    labels: prod('storefront', { source: 'gcp' }),
  },
  {
    key: 'inventory-memory-leak',
    service: 'inventory',
    resourceType: 'k8s_container',
    policyName: POLICIES.containerRestarts,
    severities: ['warning', 'high'],
    titles: [
      'inventory OOMKilled (exit 137) x5',
      'inventory heap out of memory during reconciliation',
      (r) => `inventory memory at ${pct(r, 92, 99)} of limit and rising`,
    ],
    causes: [
      {
        rootCause: 'The stock reconciliation loaded the whole stock table into memory.',
        summaries: ['JavaScript heap out of memory during the stock reconciliation; pods restarting and redelivering the same Pub/Sub messages.'],
        resolutions: [{ text: 'Restarted inventory and paged the reconciliation to 5k rows per batch.', outcome: 'worked', playbookId: 'memory-leak-oom' }],
        errors: heapOutOfMemory('inventory', 3),
      },
      {
        rootCause: 'The message handler kept references to acked messages in a debug map left enabled.',
        summaries: ['Memory sawtooth with OOM kills every 40 min; orders-inventory backlog growing between restarts.'],
        resolutions: [{ text: 'Disabled the debug map via config; memory flat since.', outcome: 'worked', playbookId: null }],
        errors: heapOutOfMemory('inventory', 5),
      },
    ],
    durationMinutes: [40, 200],
    labels: prod('fulfilment', { source: 'gcp' }),
  },
  {
    key: 'pubsub-backlog',
    service: 'pubsub',
    resourceType: 'pubsub_subscription',
    policyName: POLICIES.pubsubBacklog,
    severities: ['warning', 'high'],
    titles: [
      'orders-inventory oldest unacked message age > 10 min',
      (r) => `Pub/Sub backlog on orders-inventory: ${r.int(20, 400)}k undelivered messages`,
      'Inventory reservations lagging orders (subscription backlog)',
    ],
    causes: [
      {
        rootCause: 'A malformed OrderPlaced message (missing sku) crashed the handler, so it was redelivered forever.',
        summaries: ['Backlog grew after a consumer deploy; the same message id redelivered hundreds of times.'],
        resolutions: [
          {
            text: 'Enabled a dead-letter topic with max 5 delivery attempts; the poison message moved aside and the backlog drained.',
            outcome: 'worked',
            playbookId: 'pubsub-backlog',
          },
          { text: 'Restarted inventory pods; the backlog kept growing because the poison message was still there.', outcome: 'failed', playbookId: null },
        ],
      },
      {
        rootCause: 'inventory HPA max replicas (6) too low for the peak order rate.',
        summaries: [
          (r) => `num_undelivered_messages at ${r.int(15, 300)}k and rising; consumers at max replicas and busy, stock levels stale on product pages.`,
          'Black Friday order burst outpaced the inventory consumers (HPA at max).',
        ],
        resolutions: [
          { text: 'Scaled inventory consumers from 6 to 20 replicas; backlog drained in 25 min.', outcome: 'worked', playbookId: 'pubsub-backlog' },
        ],
      },
      {
        rootCause: 'Firestore contention on hot SKU documents slowed each ack to 2 s.',
        summaries: ['Consumers healthy but slow: each message took ~2 s on Firestore transactions for a few best-selling SKUs.'],
        resolutions: [{ text: 'Sharded the hot stock counters; scaling out had made contention worse.', outcome: 'worked', playbookId: null }],
      },
    ],
    durationMinutes: [20, 180],
    labels: prod('fulfilment', { subscription: 'orders-inventory', source: 'gcp' }),
  },
  {
    key: 'fraud-check-quota',
    service: 'fraud-check',
    resourceType: 'k8s_container',
    policyName: POLICIES.quota,
    severities: ['high', 'critical'],
    titles: [
      'RESOURCE_EXHAUSTED from aiplatform.googleapis.com (fraud-check)',
      'Vertex AI online prediction quota exceeded',
      (r) => `Google API quota usage > 95%: aiplatform online prediction (${pct(r, 96, 100)})`,
    ],
    causes: [
      {
        rootCause: 'A model backfill job shared the production project and its online prediction quota.',
        summaries: ['fraud-check getting 429 RESOURCE_EXHAUSTED on online prediction while a backfill ran; falling back to rules for a third of transactions.'],
        resolutions: [
          {
            text: 'Paused the backfill job; errors stopped within 2 min. Backfill moved to its own project.',
            outcome: 'worked',
            playbookId: 'quota-exhaustion',
          },
          { text: 'Requested a quota increase only; it took 2 days and errors continued until the backfill finished.', outcome: 'failed', playbookId: null },
        ],
      },
      {
        rootCause: 'Traffic growth; the quota had not been raised since launch.',
        summaries: ['Quota usage crept up for weeks and hit 100% at the evening peak; RESOURCE_EXHAUSTED for 6% of scoring calls.'],
        resolutions: [{ text: 'Quota increase approved in 3 h; rule-based fallback covered the gap.', outcome: 'worked', playbookId: 'quota-exhaustion' }],
      },
    ],
    durationMinutes: [15, 150],
    labels: prod('risk', { api: 'aiplatform.googleapis.com', source: 'gcp' }),
  },
  {
    key: 'inventory-firestore-quota',
    service: 'inventory',
    resourceType: 'k8s_container',
    policyName: POLICIES.quota,
    severities: ['warning', 'high'],
    titles: ['Firestore read quota exhausted (inventory)', 'inventory: RESOURCE_EXHAUSTED Quota exceeded for quota metric Read requests'],
    causes: [
      {
        rootCause: 'The catalog re-index read every stock document once per locale (6x reads).',
        summaries: ['Stock lookups failing with RESOURCE_EXHAUSTED during the catalog re-index; product pages show "availability unknown".'],
        resolutions: [{ text: 'Throttled the re-index to 200 reads/s and moved it off-peak.', outcome: 'worked', playbookId: 'quota-exhaustion' }],
      },
    ],
    durationMinutes: [20, 90],
    labels: prod('fulfilment', { api: 'firestore.googleapis.com', source: 'gcp' }),
  },
  {
    key: 'checkout-db-disk',
    service: 'checkout-db',
    resourceType: 'cloudsql_database',
    policyName: POLICIES.checkoutDbDisk,
    severities: ['warning', 'high', 'critical'],
    titles: ['checkout-db disk usage > 90%', (r) => `Cloud SQL checkout-db storage at ${pct(r, 91, 98)}`, 'checkout-db running out of disk'],
    causes: [
      {
        rootCause: 'An inactive logical replication slot from the retired analytics CDC pipeline retained WAL.',
        summaries: ['Disk grew 40 GB in a day; WAL retained for an inactive logical replication slot.'],
        resolutions: [
          { text: 'Dropped the inactive replication slot; WAL freed 38 GB.', outcome: 'worked', playbookId: 'disk-full' },
          { text: 'Grew storage by 100 GB; bought a week, the slot kept retaining WAL until it was dropped.', outcome: 'failed', playbookId: 'disk-full' },
        ],
      },
      {
        rootCause: 'The audit log table was never pruned and storage auto-increase had been turned off.',
        summaries: ['Storage auto-increase disabled after the cost review; audit table growing 6 GB/day.'],
        resolutions: [
          { text: 'Re-enabled storage auto-increase and added a 90-day partition drop for the audit table.', outcome: 'worked', playbookId: 'disk-full' },
          { text: 'Ran VACUUM FULL on the audit table; it needed more free space than was left and was cancelled.', outcome: 'failed', playbookId: null },
        ],
      },
    ],
    durationMinutes: [40, 300],
    labels: prod('checkout', { database: 'checkout', source: 'gcp' }),
  },
  {
    key: 'node-ephemeral-storage',
    service: 'frontend',
    resourceType: 'k8s_node',
    policyName: POLICIES.nodeDisk,
    severities: ['warning', 'high'],
    titles: [
      'GKE node ephemeral storage > 85%',
      'Pods evicted: node had condition DiskPressure',
      (r) => `DiskPressure on ${r.int(2, 5)} nodes of prod-gke-ew1 default pool`,
    ],
    causes: [
      {
        rootCause: 'The Next.js image optimisation cache in /app/.next/cache had no size limit.',
        summaries: ['frontend pods evicted for ephemeral storage; image cache writing to the container filesystem.'],
        resolutions: [{ text: 'Moved the cache to an emptyDir with sizeLimit 2Gi and drained the full nodes.', outcome: 'worked', playbookId: 'disk-full' }],
      },
      {
        rootCause: 'Log rotation was disabled in the new node image.',
        summaries: ['Container logs not rotating on one node pool after a node image change.'],
        resolutions: [
          { text: 'Pruned old images and logs on the nodes; space came back for a day until the node image was fixed.', outcome: 'unknown', playbookId: null },
        ],
      },
    ],
    durationMinutes: [25, 120],
    labels: prod('platform', { cluster: 'prod-gke-ew1', source: 'gcp' }),
  },
  {
    key: 'certificate-expiry',
    service: 'frontend',
    resourceType: 'https_lb_rule',
    policyName: POLICIES.certificate,
    severities: ['warning', 'info', 'high'],
    titles: [
      (r) => `TLS certificate for shop.example.com expires in ${r.int(3, 13)} days`,
      'Google-managed certificate stuck in PROVISIONING',
      (r) => `Certificate for static.shop.example.com expires in ${r.int(2, 10)} days`,
    ],
    causes: [
      {
        rootCause: 'The CAA record added during the DNS migration only allowed letsencrypt.org.',
        summaries: ['Managed certificate renewal failing: the DNS CAA record does not allow pki.goog.'],
        resolutions: [
          { text: 'Added pki.goog to the CAA record; the managed certificate renewed within 30 min.', outcome: 'worked', playbookId: 'certificate-expiry' },
        ],
      },
      {
        rootCause: 'A manually issued certificate with no owner after a team change.',
        summaries: ['Certificate uploaded by hand last year; no renewal automation and nobody watching it.'],
        resolutions: [
          {
            text: 'Issued a new certificate, attached it to the load balancer, then moved the domain to a managed certificate.',
            outcome: 'worked',
            playbookId: 'certificate-expiry',
          },
        ],
      },
    ],
    durationMinutes: [60, 1_440],
    labels: prod('platform', { source: 'gcp' }),
  },
  {
    key: 'cart-redis',
    service: 'cart',
    resourceType: 'k8s_container',
    policyName: 'cart p95 latency > 500 ms',
    severities: ['warning', 'high'],
    titles: ['cart p95 latency > 500 ms', 'Memorystore evictions spiking; cart slow', (r) => `cart latency ${seconds(r, 0.6, 1.8)} p95 (Redis)`],
    causes: [
      {
        rootCause: "The Redis instance was sized for last year's traffic; evicting under allkeys-lru.",
        summaries: ['Memorystore at maxmemory, evicting hot cart keys; cart rebuilding carts from checkout-db.'],
        resolutions: [{ text: 'Scaled Memorystore from 5 GB to 10 GB.', outcome: 'worked', playbookId: null }],
      },
      {
        rootCause: 'Scheduled Memorystore maintenance failover.',
        summaries: ['Redis failover during the maintenance window; cart reconnecting for 3 min.'],
        resolutions: [{ text: 'No action; recovered after the failover completed.', outcome: 'unknown', playbookId: null }],
      },
    ],
    durationMinutes: [5, 60],
    labels: prod('storefront', { source: 'gcp' }),
  },
  {
    key: 'checkout-api-cpu-throttling',
    service: 'checkout-api',
    resourceType: 'k8s_container',
    policyName: POLICIES.checkoutApiLatency,
    severities: ['warning', 'high'],
    titles: [
      'checkout-api p95 latency > 3 s',
      'checkout-api CPU throttled, HPA at max replicas',
      (r) => `checkout-api slow at peak (${seconds(r, 3.1, 5.5)} p95)`,
    ],
    causes: [
      {
        rootCause: 'HPA max replicas too low for peak traffic after a marketing campaign.',
        summaries: ['HPA at max (10) during the evening peak; CPU throttled in 40% of periods, no errors, checkout-db and fraud-check healthy.'],
        resolutions: [{ text: 'Raised HPA max replicas from 10 to 20.', outcome: 'worked', playbookId: null }],
      },
      {
        rootCause: 'CPU limit too tight after JSON schema validation was added to every request.',
        summaries: ['Latency rose with traffic; CPU throttling high while checkout-db connections and fraud-check were normal.'],
        resolutions: [{ text: 'Raised the CPU limit from 1 to 2 cores.', outcome: 'worked', playbookId: null }],
      },
    ],
    durationMinutes: [15, 90],
    labels: prod('checkout', { source: 'gcp' }),
  },
  {
    key: 'fraud-check-errors',
    service: 'fraud-check',
    resourceType: 'k8s_container',
    policyName: POLICIES.fraudErrors,
    severities: ['warning', 'high'],
    titles: ['fraud-check error ratio > 1%', 'ModelInputError spike in fraud-check', (r) => `fraud-check returning 500 for ${pct(r, 2, 9)} of scores`],
    causes: [
      {
        rootCause: 'The daily feature aggregation job wrote NaN for customers without 30 days of history.',
        summaries: ['NaN features from a broken upstream aggregation; fraud-check scoring with fallback rules.'],
        resolutions: [{ text: 'Re-ran the aggregation job with the null fix; errors stopped.', outcome: 'worked', playbookId: null }],
      },
      {
        rootCause: 'A feature store column was renamed without a compatibility period.',
        summaries: ['Scoring requests failing validation right after the fraud-check release that picked up the new feature schema.'],
        resolutions: [{ text: 'Rolled back fraud-check to the previous model and feature mapping.', outcome: 'worked', playbookId: 'deploy-5xx-rollback' }],
      },
    ],
    durationMinutes: [20, 120],
    labels: prod('risk', { source: 'gcp' }),
  },
  {
    key: 'payment-kms-quota',
    service: 'payment-api',
    resourceType: 'k8s_container',
    policyName: POLICIES.quota,
    severities: ['high'],
    titles: ['Cloud KMS cryptographic requests quota > 95% (payment-api)', 'payment-api: RESOURCE_EXHAUSTED from cloudkms.googleapis.com'],
    causes: [
      {
        rootCause: 'The token cache was disabled by a config typo, so every request called KMS.',
        summaries: ['Card tokenization failing for 8% of payments; KMS encrypt calls rejected at the per-minute quota.'],
        resolutions: [{ text: 'Fixed the config to re-enable the token cache; KMS calls dropped 20x.', outcome: 'worked', playbookId: 'quota-exhaustion' }],
      },
    ],
    durationMinutes: [10, 50],
    labels: prod('payments', { api: 'cloudkms.googleapis.com', source: 'gcp' }),
  },
  {
    key: 'frontend-spot-preemption',
    service: 'frontend',
    resourceType: 'k8s_container',
    policyName: POLICIES.frontendLatency,
    severities: ['info', 'warning'],
    titles: [
      'frontend p95 latency > 1.5 s (spot node preemption)',
      'Spot VM preemptions in frontend pool',
      'Brief frontend latency spike during node preemption',
    ],
    causes: [
      {
        rootCause: 'Spot capacity reclaimed in europe-west1-b; the PodDisruptionBudget allowed too many pods down at once.',
        summaries: ['Three spot nodes preempted at once; frontend pods rescheduled with cold caches for 5 min.'],
        resolutions: [
          { text: 'No action needed; recovered as pods rescheduled. Tightened the PDB afterwards.', outcome: 'unknown', playbookId: null },
          { text: 'Moved a baseline of frontend replicas to an on-demand node pool.', outcome: 'worked', playbookId: null },
        ],
      },
    ],
    durationMinutes: [4, 20],
    labels: prod('storefront', { source: 'gcp' }),
  },
]
