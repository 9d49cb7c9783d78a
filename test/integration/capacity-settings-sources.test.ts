import { OAuth2Client } from 'google-auth-library'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assessCapacity } from '../../src/core/capacity/assess-capacity'
import { loadConfig } from '../../src/config'
import { loadKubeConfig } from '../../src/integrations/actions/kubernetes-action-executor'
import { KubernetesCapacitySettings } from '../../src/integrations/actions/kubernetes-capacity-settings'
import { capacitySettingsFor } from '../../src/integrations/capacity-settings-for'
import { CloudRunCapacitySettings } from '../../src/integrations/gcp/cloud-run-capacity-settings'
import { CAPACITY_FLEET, SyntheticTelemetry } from '../../src/integrations/telemetry/synthetic'
import { FakeKubernetesApi } from '../fakes/kubernetes-api'
import { FAKE_CLOUD_RUN_TOKEN, FakeCloudRunApi } from '../fakes/gcp/fake-cloud-run-server'

// A Sunday: the 28 days before hold four whole weeks of weekday peaks.
const NOW = new Date('2026-03-15T00:00:00Z')
const telemetry = new SyntheticTelemetry({ seed: 7, fleet: CAPACITY_FLEET })

function token(value = FAKE_CLOUD_RUN_TOKEN): OAuth2Client {
  const client = new OAuth2Client()
  client.setCredentials({ access_token: value, expiry_date: Date.now() + 3_600_000 })
  return client
}

describe('capacity settings from the Kubernetes API and the Cloud Run Admin API, sized end to end', () => {
  const kube = new FakeKubernetesApi()
  const run = new FakeCloudRunApi()
  let kubeUrl: string
  let runUrl: string

  beforeAll(async () => {
    kubeUrl = await kube.start()
    runUrl = await run.start()
    kube.addDeployment('discovery', 'search', 6, { requests: { cpu: '500m', memory: '768Mi' }, limits: { cpu: '1', memory: '1Gi' } })
    kube.addAutoscaler('discovery', 'search', 2, 6)
    kube.addDeployment('discovery', 'search-wide', 6, { requests: { cpu: '500m', memory: '768Mi' }, limits: { cpu: '1', memory: '1Gi' } })
    kube.addAutoscaler('discovery', 'search-wide', 2, 12)
    run.addService('shop-prod', 'europe-west1', 'search', {
      scaling: { minInstanceCount: 2 },
      template: {
        scaling: { maxInstanceCount: 6 },
        maxInstanceRequestConcurrency: 40,
        containers: [{ image: 'europe-docker.pkg.dev/shop-prod/search:1', resources: { limits: { cpu: '1', memory: '1Gi' }, cpuIdle: true } }],
      },
    })
    run.addService('shop-prod', 'europe-west1', 'defaults', { template: { containers: [{ image: 'gcr.io/shop-prod/defaults:1' }] } })
  })
  afterAll(async () => {
    await kube.stop()
    await run.stop()
  })

  it('GKE: the HPA max and requests read from the Kubernetes API are the suggestion’s from and its cost; a wider HPA needs no change', async () => {
    const settings = new KubernetesCapacitySettings(loadKubeConfig({ apiUrl: kubeUrl, token: 'fake-kube-token' }), 'discovery')
    const hot = (await assessCapacity({ telemetry, settings, now: () => NOW }, 'search'))!
    const [rec] = hot.recommendations
    expect(rec).toMatchObject({ kind: 'hpa-max', from: 6 })
    expect(rec!.summary).toMatch(new RegExp(`even at HPA max 6\\); raise HPA max to ${rec!.to} → \\d+ %$`))
    // Replica-hours cost each replica's requests: 0.5 vCPU and 0.75 GiB.
    expect(rec!.gibHoursPerWeek / rec!.vcpuHoursPerWeek).toBeCloseTo(0.75 / 0.5, 1)
    // The same workload under an HPA that already allows the suggested count: nothing to raise.
    const wide = await settings.settings('search-wide')
    expect(wide).toMatchObject({ replicas: 6, autoscaler: { minReplicas: 2, maxReplicas: 12 }, cpuRequestCores: 0.5, memoryLimitGiB: 1 })
    // Same telemetry ('search'), wider bounds: the suggested count fits, so no replica change.
    const relaxed = (await assessCapacity({ telemetry, settings: { settings: async () => wide }, now: () => NOW }, 'search'))!
    expect(relaxed.recommendations.filter((r) => r.kind === 'hpa-max')).toEqual([])
    expect(relaxed.notes.join('\n')).toMatch(/at 12 replicas, \d+ % at 2; no replica change needed/)
  })

  it('Cloud Run: min / max instances, concurrency and per-instance CPU and memory from the v2 Service', async () => {
    const settings = new CloudRunCapacitySettings({ auth: token(), project: 'shop-prod', region: 'europe-west1', rootUrl: runUrl })
    expect(await settings.settings('search')).toEqual({
      kind: 'cloud-run',
      source: 'Cloud Run service europe-west1/search',
      replicas: 2,
      autoscaler: { minReplicas: 2, maxReplicas: 6 },
      cpuRequestCores: 1,
      cpuLimitCores: 1,
      memoryRequestGiB: 1,
      memoryLimitGiB: 1,
      concurrency: 40,
    })
    // Nothing set: Cloud Run's defaults (scale to zero sizes as one instance, max 100, 1 vCPU, 512 MiB, 80 requests at once).
    expect(await settings.settings('europe-west1/defaults')).toMatchObject({
      replicas: 1,
      autoscaler: { minReplicas: 1, maxReplicas: 100 },
      cpuRequestCores: 1,
      memoryLimitGiB: 0.5,
      concurrency: 80,
    })
    expect(await settings.settings('nope')).toBeNull()
    const denied = new CloudRunCapacitySettings({ auth: token('wrong'), project: 'shop-prod', region: 'europe-west1', rootUrl: runUrl })
    await expect(denied.settings('search')).rejects.toMatchObject({ code: 'cloud_run_read_failed', message: expect.stringMatching(/401/) })
  })

  it('Cloud Run chosen by CLOUD_RUN_REGION: the hot service is told to raise its max instances, in instances', async () => {
    const config = loadConfig({ CLOUD_RUN_REGION: 'europe-west1', CLOUD_RUN_API_URL: runUrl, GCP_PROJECT_ID: 'shop-prod' })
    const settings = capacitySettingsFor(config, telemetry, { kubeconfig: true, auth: token() })!
    const report = (await assessCapacity({ telemetry, settings, now: () => NOW }, 'search'))!
    expect(report.settings.source).toBe('Cloud Run service europe-west1/search')
    expect(report.recommendations[0]).toMatchObject({ kind: 'hpa-max', from: 6 })
    expect(report.recommendations[0]!.summary).toMatch(/of 6 instances at \w{3} \d\d:00; .*raise max instances to \d+ → \d+ %$/)
  })

  it('the synthetic fleet: its database is sized by connections against max_connections 200, and needs no change', async () => {
    const settings = capacitySettingsFor(loadConfig({}), telemetry, { kubeconfig: true })!
    expect(await settings.settings('checkout-db')).toMatchObject({ kind: 'database', maxConnections: 200, autoscaler: null })
    const report = (await assessCapacity({ telemetry, settings, now: () => NOW }, 'checkout-db'))!
    expect(report.verdict).toBe('no-change')
    expect(report.notes.join('\n')).toMatch(
      /connections peak \d+ % of max_connections at \w{3} \d\d:00; forecast next peak \d+ % \(\d+ of 200\); no connection limit change needed/,
    )
    expect(report.notes.join('\n')).toMatch(/a database is resized, not scaled out/)
  })
})
