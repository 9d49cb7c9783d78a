import type { MetricKind } from '../../../core/telemetry/port'

/** How one service calls another; synchronous calls add their latency to the caller's. */
export interface ServiceCall {
  to: string
  protocol: 'http' | 'grpc' | 'sql' | 'pubsub'
  /** Calls per request the caller serves (a checkout runs three queries). */
  callsPerRequest: number
  /** Client-side deadline; the caller gives up and logs a timeout past it. */
  timeoutMs: number
  /** The operation as it appears in client logs and spans. */
  operation: string
  /** The server-side span name of each call, when the calls of one request differ (three queries). */
  spanNames?: string[]
  /** A subscription pull: the consumer's latency does not wait on it. */
  async?: boolean
}

/** Where a service spends quota of a Google API, as RESOURCE_EXHAUSTED names it. */
export interface ServiceQuota {
  api: string
  quotaMetric: string
  limitName: string
}

export interface FleetService {
  name: string
  resourceType: 'k8s_container' | 'cloudsql_database' | 'pubsub_topic'
  team: string
  calls: ServiceCall[]
  /** p95 of the time spent in the service itself; the metric adds its synchronous calls. */
  selfLatencyP95Ms: number
  /** Baseline of each exported metric at average traffic; latency is derived from the call graph. */
  baselines: Partial<Record<Exclude<MetricKind, 'latency_p95_ms'>, number>>
  /** Operation name of the service's own span in traces. */
  spanName: string
  /** Background log lines per minute at average traffic. */
  logLinesPerMinute: number
  memoryLimitGiB?: number
  /** What the orchestrator gives each replica and its autoscaler's bounds, for the capacity settings of the fleet. */
  sizing?: { cpuRequestCores: number; cpuLimitCores: number; memoryRequestGiB: number; autoscaler?: { minReplicas: number; maxReplicas: number } }
  quota?: ServiceQuota
  labels: Record<string, string>
}

/**
 * The demo shop on GKE, Cloud SQL and Pub/Sub. frontend → checkout-api → payment-api →
 * fraud-check carries the money path; checkout-api also reads and writes checkout-db,
 * cart and inventory, and publishes to the orders topic that inventory consumes.
 */
export const SYNTHETIC_FLEET: readonly FleetService[] = [
  {
    name: 'frontend',
    resourceType: 'k8s_container',
    team: 'storefront',
    calls: [
      { to: 'checkout-api', protocol: 'http', callsPerRequest: 1, timeoutMs: 15_000, operation: 'POST /v1/checkout' },
      { to: 'cart', protocol: 'http', callsPerRequest: 1, timeoutMs: 3_000, operation: 'GET /v1/carts/{id}' },
    ],
    selfLatencyP95Ms: 140,
    baselines: { request_rate: 220, error_rate: 0.003, cpu_utilization: 0.46, memory_utilization: 0.55, disk_used_ratio: 0.31 },
    spanName: 'GET /checkout',
    logLinesPerMinute: 14,
    memoryLimitGiB: 1,
    labels: { namespace: 'storefront', cluster: 'prod-gke-ew1', region: 'europe-west1' },
  },
  {
    name: 'checkout-api',
    resourceType: 'k8s_container',
    team: 'checkout',
    calls: [
      { to: 'payment-api', protocol: 'http', callsPerRequest: 1, timeoutMs: 8_000, operation: 'POST /v1/payments/authorize' },
      {
        to: 'checkout-db',
        protocol: 'sql',
        callsPerRequest: 3,
        timeoutMs: 5_000,
        operation: 'query checkout',
        spanNames: ['SELECT checkout.cart_snapshots', 'INSERT checkout.orders', 'UPDATE checkout.inventory_holds'],
      },
      { to: 'cart', protocol: 'grpc', callsPerRequest: 1, timeoutMs: 2_000, operation: 'cart.v1.CartService/GetCart' },
      { to: 'inventory', protocol: 'grpc', callsPerRequest: 1, timeoutMs: 3_000, operation: 'inventory.v1.Inventory/Reserve' },
      { to: 'pubsub', protocol: 'pubsub', callsPerRequest: 1, timeoutMs: 10_000, operation: 'Publish projects/shop-prod/topics/orders' },
    ],
    selfLatencyP95Ms: 90,
    baselines: { request_rate: 38, error_rate: 0.004, cpu_utilization: 0.41, memory_utilization: 0.58, disk_used_ratio: 0.22 },
    spanName: 'POST /v1/checkout',
    logLinesPerMinute: 10,
    memoryLimitGiB: 2,
    labels: { namespace: 'checkout', cluster: 'prod-gke-ew1', region: 'europe-west1' },
  },
  {
    name: 'payment-api',
    resourceType: 'k8s_container',
    team: 'payments',
    calls: [{ to: 'fraud-check', protocol: 'http', callsPerRequest: 1, timeoutMs: 2_500, operation: 'POST /v1/score' }],
    selfLatencyP95Ms: 120,
    baselines: { request_rate: 30, error_rate: 0.002, cpu_utilization: 0.35, memory_utilization: 0.52, disk_used_ratio: 0.18, quota_used_ratio: 0.34 },
    spanName: 'POST /v1/payments/authorize',
    logLinesPerMinute: 8,
    memoryLimitGiB: 2,
    quota: { api: 'cloudkms.googleapis.com', quotaMetric: 'Cryptographic requests', limitName: 'Cryptographic requests per minute' },
    labels: { namespace: 'payments', cluster: 'prod-gke-ew1', region: 'europe-west1' },
  },
  {
    name: 'fraud-check',
    resourceType: 'k8s_container',
    team: 'risk',
    calls: [],
    selfLatencyP95Ms: 48,
    baselines: { request_rate: 31, error_rate: 0.001, cpu_utilization: 0.42, memory_utilization: 0.61, disk_used_ratio: 0.2, quota_used_ratio: 0.31 },
    spanName: 'fraudcheck.v1.FraudScoring/Score',
    logLinesPerMinute: 6,
    memoryLimitGiB: 4,
    quota: { api: 'aiplatform.googleapis.com', quotaMetric: 'Online prediction requests', limitName: 'Online prediction requests per minute per region' },
    labels: { namespace: 'risk', cluster: 'prod-gke-ew1', region: 'europe-west1' },
  },
  {
    name: 'checkout-db',
    resourceType: 'cloudsql_database',
    team: 'checkout',
    calls: [],
    selfLatencyP95Ms: 9,
    baselines: {
      request_rate: 410,
      error_rate: 0.0005,
      cpu_utilization: 0.38,
      memory_utilization: 0.71,
      db_connections_used_ratio: 0.38,
      disk_used_ratio: 0.54,
    },
    spanName: 'postgres query',
    logLinesPerMinute: 3,
    labels: { database_id: 'shop-prod:checkout-db', database_version: 'POSTGRES_15', region: 'europe-west1', max_connections: '200' },
  },
  {
    name: 'cart',
    resourceType: 'k8s_container',
    team: 'storefront',
    calls: [],
    selfLatencyP95Ms: 22,
    baselines: { request_rate: 160, error_rate: 0.001, cpu_utilization: 0.3, memory_utilization: 0.48, disk_used_ratio: 0.15 },
    spanName: 'cart.v1.CartService/GetCart',
    logLinesPerMinute: 8,
    memoryLimitGiB: 1,
    labels: { namespace: 'storefront', cluster: 'prod-gke-ew1', region: 'europe-west1' },
  },
  {
    name: 'inventory',
    resourceType: 'k8s_container',
    team: 'fulfilment',
    calls: [
      {
        to: 'pubsub',
        protocol: 'pubsub',
        callsPerRequest: 1,
        timeoutMs: 60_000,
        operation: 'Pull projects/shop-prod/subscriptions/orders-inventory',
        async: true,
      },
    ],
    selfLatencyP95Ms: 60,
    baselines: { request_rate: 45, error_rate: 0.002, cpu_utilization: 0.28, memory_utilization: 0.5, disk_used_ratio: 0.2, quota_used_ratio: 0.22 },
    spanName: 'inventory.v1.Inventory/Reserve',
    logLinesPerMinute: 5,
    memoryLimitGiB: 1,
    quota: { api: 'firestore.googleapis.com', quotaMetric: 'Read requests', limitName: 'Read requests per minute' },
    labels: { namespace: 'fulfilment', cluster: 'prod-gke-ew1', region: 'europe-west1' },
  },
  {
    name: 'pubsub',
    resourceType: 'pubsub_topic',
    team: 'platform',
    calls: [],
    selfLatencyP95Ms: 18,
    baselines: { request_rate: 38, error_rate: 0.0002, pubsub_backlog: 140, quota_used_ratio: 0.15 },
    spanName: 'pubsub.publish orders',
    logLinesPerMinute: 1,
    quota: { api: 'pubsub.googleapis.com', quotaMetric: 'Publisher throughput', limitName: 'Publisher throughput per minute per region' },
    labels: { topic_id: 'orders', subscription_id: 'orders-inventory', project_id: 'shop-prod' },
  },
]
