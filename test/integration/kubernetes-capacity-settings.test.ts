import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadKubeConfig } from '../../src/integrations/actions/kubernetes-action-executor'
import { KubernetesCapacitySettings, parseQuantity } from '../../src/integrations/actions/kubernetes-capacity-settings'
import { FakeKubernetesApi } from '../fakes/kubernetes-api'

describe('capacity settings through @kubernetes/client-node against a local Kubernetes API', () => {
  const kube = new FakeKubernetesApi()
  let settings: KubernetesCapacitySettings
  let apiUrl: string
  beforeAll(async () => {
    apiUrl = await kube.start()
    kube.addDeployment('shop', 'cart', 4, { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } })
    kube.addAutoscaler('shop', 'cart', 2, 10)
    kube.addAutoscaler('shop', 'other', 1, 3)
    kube.addDeployment('batch', 'worker', 2)
    settings = new KubernetesCapacitySettings(loadKubeConfig({ apiUrl, token: 'fake-kube-token' }), 'shop')
  })
  afterAll(async () => kube.stop())

  it('reads replicas, per-replica requests and limits, and the HPA that targets the Deployment', async () => {
    expect(await settings.settings('cart')).toEqual({
      source: 'deployment shop/cart',
      deployment: { namespace: 'shop', name: 'cart' },
      replicas: 4,
      autoscaler: { minReplicas: 2, maxReplicas: 10 },
      cpuRequestCores: 0.25,
      cpuLimitCores: 1,
      memoryRequestGiB: 0.5,
      memoryLimitGiB: 1,
    })
  })

  it('takes another namespace from namespace/name, and reports no autoscaler and no resources as such', async () => {
    expect(await settings.settings('batch/worker')).toMatchObject({
      source: 'deployment batch/worker',
      replicas: 2,
      autoscaler: null,
      cpuRequestCores: null,
      memoryLimitGiB: null,
    })
  })

  it('answers null for a Deployment that does not exist, and a coded error when the API refuses', async () => {
    expect(await settings.settings('nope')).toBeNull()
    const denied = new KubernetesCapacitySettings(loadKubeConfig({ apiUrl, token: 'wrong' }), 'shop')
    await expect(denied.settings('cart')).rejects.toMatchObject({ code: 'kubernetes_read_failed' })
  })
})

describe('parseQuantity', () => {
  it('reads Kubernetes quantities in base units', () => {
    expect(parseQuantity('500m')).toBe(0.5)
    expect(parseQuantity('2')).toBe(2)
    expect(parseQuantity('512Mi')).toBe(512 * 2 ** 20)
    expect(parseQuantity('1G')).toBe(1e9)
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 2 ** 30)
    expect(parseQuantity('lots')).toBeNull()
    expect(parseQuantity(undefined)).toBeNull()
  })
})
