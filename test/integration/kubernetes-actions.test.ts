import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KubernetesActionExecutor, loadKubeConfig, RESTART_KEY_ANNOTATION } from '../../src/integrations/actions/kubernetes-action-executor'
import { FakeKubernetesApi } from '../fakes/kubernetes-api'

describe('Kubernetes actions through @kubernetes/client-node against a local Kubernetes API', () => {
  const kube = new FakeKubernetesApi()
  let executor: KubernetesActionExecutor
  let apiUrl: string
  beforeAll(async () => {
    apiUrl = await kube.start()
    kube.addDeployment('payments', 'payment-api', 3)
    kube.addDeployment('payments', 'fraud-check', 2)
    executor = new KubernetesActionExecutor(loadKubeConfig({ apiUrl, token: 'fake-kube-token' }))
  })
  afterAll(async () => kube.stop())

  describe('scale', () => {
    it('previews with a server-side dry run that changes nothing, resolving "scale by" to a replica count', async () => {
      const preview = await executor.preview({
        type: 'kubernetes',
        operation: 'scale',
        namespace: 'payments',
        deployment: 'payment-api',
        scaleBy: 2,
        maxReplicas: 5,
      })
      expect(preview.summary).toBe('dry run accepted: 3 → 5 replicas')
      expect(preview.request).toMatchObject({ operation: 'scale', replicas: 5 })
      expect(kube.deployment('payments', 'payment-api')?.replicas).toBe(3)
      const patch = kube.requests.find((r) => r.method === 'PATCH')
      expect(patch).toMatchObject({
        path: '/apis/apps/v1/namespaces/payments/deployments/payment-api/scale',
        dryRun: true,
        contentType: 'application/merge-patch+json',
        body: { spec: { replicas: 5 } },
      })
    })

    it('sets the approved replica count, and setting it again changes nothing more', async () => {
      const request = {
        type: 'kubernetes' as const,
        operation: 'scale' as const,
        namespace: 'payments',
        deployment: 'payment-api',
        replicas: 6,
        maxReplicas: 10,
      }
      const first = await executor.execute(request, { idempotencyKey: 'k1', timeoutMs: 5000 })
      const again = await executor.execute(request, { idempotencyKey: 'k1', timeoutMs: 5000 })
      expect([first.ok, again.ok]).toEqual([true, true])
      expect(first.detail).toBe('deployment payments/payment-api scaled to 6 replicas')
      expect(kube.deployment('payments', 'payment-api')?.replicas).toBe(6)
    })

    it('reports a missing deployment clearly in the dry run', async () => {
      await expect(
        executor.preview({ type: 'kubernetes', operation: 'scale', namespace: 'payments', deployment: 'nope', replicas: 2, maxReplicas: 10 }),
      ).rejects.toThrow('dry run of scale on deployment payments/nope failed: Kubernetes API 404: deployments.apps "nope" not found')
    })
  })

  describe('autoscaler max', () => {
    it('says clearly when no HPA scales the Deployment, before anything is patched', async () => {
      const before = kube.requests.filter((r) => r.method === 'PATCH').length
      await expect(
        executor.preview({ type: 'kubernetes', operation: 'autoscaler-max', namespace: 'payments', deployment: 'payment-api', maxReplicas: 9 }),
      ).rejects.toThrow('no HorizontalPodAutoscaler scales deployment payments/payment-api')
      expect(kube.requests.filter((r) => r.method === 'PATCH').length).toBe(before)
      const request = { type: 'kubernetes' as const, operation: 'autoscaler-max' as const, namespace: 'payments', deployment: 'payment-api', maxReplicas: 9 }
      expect(await executor.execute(request, { idempotencyKey: 'k', timeoutMs: 2000 })).toEqual({
        ok: false,
        detail: 'no HorizontalPodAutoscaler scales deployment payments/payment-api any more; nothing was changed',
      })
    })
  })

  describe('rollout restart', () => {
    it('restarts once per idempotency key', async () => {
      const request = { type: 'kubernetes' as const, operation: 'rollout-restart' as const, namespace: 'payments', deployment: 'fraud-check' }
      const before = kube.deployment('payments', 'fraud-check')!.generation
      const first = await executor.execute(request, { idempotencyKey: 'exec-1:restart', timeoutMs: 5000 })
      const retried = await executor.execute(request, { idempotencyKey: 'exec-1:restart', timeoutMs: 5000 })
      expect(first.detail).toBe('deployment payments/fraud-check rollout restart started')
      expect(retried.detail).toMatch(/already restarted under this key/)
      const after = kube.deployment('payments', 'fraud-check')!
      expect(after.generation).toBe(before + 1)
      expect(after.templateAnnotations[RESTART_KEY_ANNOTATION]).toBe('exec-1:restart')
      expect(after.templateAnnotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT/)
    })

    it('answers a refused call with a failed result naming the API error, not a crash', async () => {
      const wrongToken = new KubernetesActionExecutor(loadKubeConfig({ apiUrl, token: 'not-the-token' }))
      const result = await wrongToken.execute(
        { type: 'kubernetes', operation: 'rollout-restart', namespace: 'payments', deployment: 'fraud-check' },
        { idempotencyKey: 'k', timeoutMs: 2000 },
      )
      expect(result).toEqual({ ok: false, detail: 'Kubernetes API 401: Unauthorized' })
    })
  })
})
