import { describe, expect, it } from 'vitest'
import { decodeAuditLog } from '../../../src/integrations/gcp/audit-log-changes'
import { ServiceCatalog } from '../../../src/integrations/gcp/service-catalog'
import { buildLogEntry } from '../../fakes/gcp/fake-data-builders'
import type { FakeAuditLog, FakeLogEntry } from '../../fakes/gcp/fake-logging-server'
import { useFakeGcp } from '../../fakes/gcp/gcp-telemetry-harness'

const MINUTE = 60_000
const end = new Date(Date.parse('2026-05-14T10:00:00Z'))
const start = new Date(end.getTime() - 120 * MINUTE)
const catalog = ServiceCatalog.load(new URL('../../fixtures/gcp/services.yaml', import.meta.url).pathname, 'shop-prod')
const ACTIVITY = 'projects/shop-prod/logs/cloudaudit.googleapis.com%2Factivity'

function audit(minutesBeforeEnd: number, protoPayload: FakeAuditLog, overrides: Partial<FakeLogEntry> = {}): FakeLogEntry {
  return buildLogEntry({
    logName: ACTIVITY,
    resource: { type: 'k8s_cluster', labels: { cluster_name: 'shop', location: 'europe-west1' } },
    timestampMs: end.getTime() - minutesBeforeEnd * MINUTE,
    severity: 'NOTICE',
    textPayload: undefined,
    protoPayload,
    ...overrides,
  })
}

describe('deploys and config changes from Cloud Audit Logs through LoggingServiceV2Client', () => {
  const gcp = useFakeGcp({
    harness: { catalog },
    reset(fake) {
      fake.logging.controls.reset()
      fake.logging.maxEntriesPerPage = Infinity
    },
  })

  it("reads the service's rollouts from the Admin Activity log, oldest first, decoded from the AuditLog payload", async () => {
    gcp.fake.logging.entries = [
      audit(30, {
        serviceName: 'k8s.io',
        methodName: 'io.k8s.apps.v1.deployments.patch',
        resourceName: 'apps/v1/namespaces/payments/deployments/payment-api',
        principalEmail: 'deployer@shop-prod.iam.gserviceaccount.com',
      }),
      audit(
        90,
        {
          serviceName: 'clouddeploy.googleapis.com',
          methodName: 'google.cloud.deploy.v1.CloudDeploy.CreateRollout',
          resourceName: 'projects/shop-prod/locations/europe-west1/deliveryPipelines/payment-api/releases/r-42/rollouts/r-42-to-prod-0001',
          principalEmail: 'release-bot@shop-prod.iam.gserviceaccount.com',
        },
        { insertId: 'rollout-42' },
      ),
      audit(20, {
        serviceName: 'run.googleapis.com',
        methodName: 'google.cloud.run.v1.Services.ReplaceService',
        resourceName: 'namespaces/shop-prod/services/payment-api',
        status: { code: 7, message: 'Permission denied on revision' },
      }),
      // Not a change, another service's, outside the window, or not an audit entry: none is shown.
      audit(25, { serviceName: 'k8s.io', methodName: 'io.k8s.core.v1.pods.get', resourceName: 'core/v1/namespaces/payments/pods/payment-api-1' }),
      audit(25, { serviceName: 'k8s.io', methodName: 'io.k8s.apps.v1.deployments.patch', resourceName: 'apps/v1/namespaces/cart/deployments/cart' }),
      audit(150, {
        serviceName: 'k8s.io',
        methodName: 'io.k8s.apps.v1.deployments.patch',
        resourceName: 'apps/v1/namespaces/payments/deployments/payment-api',
      }),
      buildLogEntry({ resource: { type: 'k8s_container', labels: { container_name: 'payment-api' } }, timestampMs: end.getTime() - 10 * MINUTE }),
    ]
    const changes = await gcp.telemetry().changeEvents!({ service: 'payment-api', start, end })
    expect(changes.map((c) => [c.at.toISOString(), c.kind, c.description, c.actor])).toEqual([
      [
        '2026-05-14T08:30:00.000Z',
        'deploy',
        'Cloud Deploy CreateRollout projects/shop-prod/locations/europe-west1/deliveryPipelines/payment-api/releases/r-42/rollouts/r-42-to-prod-0001',
        'release-bot@shop-prod.iam.gserviceaccount.com',
      ],
      ['2026-05-14T09:30:00.000Z', 'deploy', 'GKE patch apps/v1/namespaces/payments/deployments/payment-api', 'deployer@shop-prod.iam.gserviceaccount.com'],
      [
        '2026-05-14T09:40:00.000Z',
        'deploy',
        'Cloud Run ReplaceService namespaces/shop-prod/services/payment-api (failed: Permission denied on revision)',
        null,
      ],
    ])
    expect(changes[0]).toMatchObject({ id: 'rollout-42', service: 'payment-api' })
    expect(changes[0]!.link).toMatch(/^https:\/\/console\.cloud\.google\.com\/logs\/query;query=insertId%3D%22rollout-42%22/)
    const [call] = gcp.fake.logging.controls.callsTo('ListLogEntries')
    const request = call!.request as { filter: string; orderBy: string; resourceNames: string[] }
    expect(request.orderBy).toBe('timestamp asc')
    expect(request.resourceNames).toEqual(['projects/shop-prod'])
    expect(request.filter).toContain(`logName="${ACTIVITY}" AND timestamp>="2026-05-14T08:00:00.000Z" AND timestamp<="2026-05-14T10:00:00.000Z"`)
    expect(request.filter).toContain('protoPayload.serviceName="run.googleapis.com"')
    expect(request.filter).toContain('protoPayload.resourceName:"services/payment-api"')
    expect(request.filter).toContain('protoPayload.serviceName="clouddeploy.googleapis.com"')
  })

  it('follows page tokens, and says a refused read as an error, not as "no deploys"', async () => {
    gcp.fake.logging.entries = Array.from({ length: 5 }, (_, i) =>
      audit(10 + i, {
        serviceName: 'k8s.io',
        methodName: 'io.k8s.apps.v1.deployments.update',
        resourceName: 'apps/v1/namespaces/payments/deployments/payment-api',
      }),
    )
    gcp.fake.logging.maxEntriesPerPage = 2
    expect(await gcp.telemetry().changeEvents!({ service: 'payment-api', start, end })).toHaveLength(5)
    expect(gcp.fake.logging.controls.callsTo('ListLogEntries')).toHaveLength(3)
    gcp.fake.logging.controls.failNext({ status: 'PERMISSION_DENIED', message: 'logging.logEntries.list denied' })
    await expect(gcp.telemetry().changeEvents!({ service: 'payment-api', start: new Date(start.getTime() - MINUTE), end })).rejects.toThrow(/denied/i)
  })

  it('decodes an AuditLog whatever fields it carries, and refuses a truncated one', () => {
    expect(decodeAuditLog(new Uint8Array())).toMatchObject({ serviceName: '', methodName: '', statusCode: 0 })
    const bytes = new Uint8Array([0x3a, 0x05, 0x61, 0x62])
    expect(() => decodeAuditLog(bytes)).toThrow(/truncated/)
  })
})
