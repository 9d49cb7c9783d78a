import { AppsV1Api, AutoscalingV2Api, KubeConfig, PatchStrategy, setHeaderOptions, type V2HorizontalPodAutoscaler } from '@kubernetes/client-node'
import type { ActionExecutor, ActionPreview, ActionRequest, ActionResult } from '../../core/playbooks/action-port'
import { CodedError } from '../../core/errors'

type KubernetesRequest = Extract<ActionRequest, { type: 'kubernetes' }>

/** Annotation recording which idempotency key last restarted a Deployment, so a retried restart is skipped. */
export const RESTART_KEY_ANNOTATION = 'sre-agent.io/restart-key'
const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt'
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch)

/** Connection settings: an explicit API server (tests, out-of-cluster) or the default kubeconfig / in-cluster account. */
export function loadKubeConfig(options: { apiUrl?: string; token?: string }): KubeConfig {
  const kc = new KubeConfig()
  if (!options.apiUrl) {
    kc.loadFromDefault()
    return kc
  }
  kc.loadFromOptions({
    clusters: [{ name: 'target', server: options.apiUrl, skipTLSVerify: options.apiUrl.startsWith('http://') }],
    users: [{ name: 'sre-agent', token: options.token }],
    contexts: [{ name: 'sre-agent', cluster: 'target', user: 'sre-agent' }],
    currentContext: 'sre-agent',
  })
  return kc
}

function describe(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string }
  const body = typeof e.body === 'string' ? safeJson(e.body) : e.body
  // Some answers (401, 403) come without a parsed body; the client still names the reason.
  const message = (body as { message?: string } | undefined)?.message ?? /Message: (.+)/.exec(e.message ?? '')?.[1]
  return e.code ? `Kubernetes API ${e.code}${message ? `: ${message}` : ''}` : (e.message ?? String(err))
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Scales or rollout-restarts a GKE/Kubernetes Deployment, or raises its autoscaler's max; every change is dry-run first for the approval. */
export class KubernetesActionExecutor implements ActionExecutor {
  private readonly apps: AppsV1Api
  private readonly autoscaling: AutoscalingV2Api

  constructor(kubeConfig: KubeConfig) {
    this.apps = kubeConfig.makeApiClient(AppsV1Api)
    this.autoscaling = kubeConfig.makeApiClient(AutoscalingV2Api)
  }

  /** The HorizontalPodAutoscaler that scales the Deployment; a clear error when there is none. */
  private async autoscalerOf(k8s: { namespace: string; deployment: string }): Promise<V2HorizontalPodAutoscaler & { metadata: { name: string } }> {
    const list = await this.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: k8s.namespace })
    const hpa = list.items.find((h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === k8s.deployment)
    if (!hpa?.metadata?.name) {
      throw new CodedError('kubernetes_preview_failed', `no HorizontalPodAutoscaler scales deployment ${k8s.namespace}/${k8s.deployment}`)
    }
    return hpa as V2HorizontalPodAutoscaler & { metadata: { name: string } }
  }

  async preview(request: ActionRequest): Promise<ActionPreview> {
    const k8s = this.check(request)
    const where = `deployment ${k8s.namespace}/${k8s.deployment}`
    try {
      if (k8s.operation === 'rollout-restart') {
        const deployment = await this.apps.readNamespacedDeployment({ name: k8s.deployment, namespace: k8s.namespace })
        const ready = deployment.status?.readyReplicas ?? 0
        return {
          method: 'PATCH (rollout restart)',
          target: where,
          body: this.restartPatch('<idempotency key>', '<now>'),
          summary: `restarts all ${deployment.spec?.replicas ?? 0} pods one by one (${ready} ready now)`,
          request: k8s,
        }
      }
      if (k8s.operation === 'autoscaler-max') {
        const hpa = await this.autoscalerOf(k8s)
        const body = { spec: { maxReplicas: k8s.maxReplicas } }
        const dry = await this.autoscaling.patchNamespacedHorizontalPodAutoscaler(
          { name: hpa.metadata.name, namespace: k8s.namespace, body, dryRun: 'All' },
          MERGE_PATCH,
        )
        const min = dry.spec?.minReplicas ?? hpa.spec?.minReplicas ?? 1
        return {
          method: 'PATCH (autoscaler max)',
          target: `horizontalpodautoscaler ${k8s.namespace}/${hpa.metadata.name}`,
          body,
          summary: `dry run accepted: HPA max ${hpa.spec?.maxReplicas ?? '?'} → ${dry.spec?.maxReplicas ?? k8s.maxReplicas} replicas (min ${min})`,
          request: k8s,
        }
      }
      const scale = await this.apps.readNamespacedDeploymentScale({ name: k8s.deployment, namespace: k8s.namespace })
      const current = scale.spec?.replicas ?? 0
      const target = k8s.replicas ?? Math.min(k8s.maxReplicas, Math.max(current + 1, Math.ceil(current * (k8s.scaleBy ?? 1))))
      const body = { spec: { replicas: target } }
      // Server-side dry run: admission and validation run, nothing is persisted.
      const dry = await this.apps.patchNamespacedDeploymentScale({ name: k8s.deployment, namespace: k8s.namespace, body, dryRun: 'All' }, MERGE_PATCH)
      return {
        method: 'PATCH (scale)',
        target: `${where}/scale`,
        body,
        summary: `dry run accepted: ${current} → ${dry.spec?.replicas ?? target} replicas`,
        request: { ...k8s, replicas: target, scaleBy: undefined },
      }
    } catch (err) {
      if (err instanceof CodedError) throw err
      throw new CodedError('kubernetes_preview_failed', `dry run of ${k8s.operation} on ${where} failed: ${describe(err)}`)
    }
  }

  async execute(request: ActionRequest, options: { idempotencyKey: string; timeoutMs: number }): Promise<ActionResult> {
    const k8s = this.check(request)
    const where = `${k8s.namespace}/${k8s.deployment}`
    try {
      if (k8s.operation === 'scale') {
        // An absolute count (resolved at approval time) makes a repeated call harmless.
        if (k8s.replicas === undefined) throw new CodedError('kubernetes_scale_unresolved', 'scale target was not resolved by a dry run')
        const scaled = await this.apps.patchNamespacedDeploymentScale(
          { name: k8s.deployment, namespace: k8s.namespace, body: { spec: { replicas: k8s.replicas } } },
          MERGE_PATCH,
        )
        return { ok: true, detail: `deployment ${where} scaled to ${scaled.spec?.replicas ?? k8s.replicas} replicas` }
      }
      if (k8s.operation === 'autoscaler-max') {
        // An absolute max: setting it again changes nothing. An HPA gone since the dry run is a plain failure: nothing was changed.
        const hpa = await this.autoscalerOf(k8s).catch((err: unknown) => {
          if (err instanceof CodedError) return null
          throw err
        })
        if (!hpa) return { ok: false, detail: `no HorizontalPodAutoscaler scales deployment ${where} any more; nothing was changed` }
        const patched = await this.autoscaling.patchNamespacedHorizontalPodAutoscaler(
          { name: hpa.metadata.name, namespace: k8s.namespace, body: { spec: { maxReplicas: k8s.maxReplicas } } },
          MERGE_PATCH,
        )
        return {
          ok: true,
          detail: `autoscaler ${k8s.namespace}/${hpa.metadata.name} of deployment ${k8s.deployment} now scales up to ${patched.spec?.maxReplicas} replicas`,
        }
      }
      const deployment = await this.apps.readNamespacedDeployment({ name: k8s.deployment, namespace: k8s.namespace })
      if (deployment.spec?.template?.metadata?.annotations?.[RESTART_KEY_ANNOTATION] === options.idempotencyKey) {
        return { ok: true, detail: `deployment ${where} was already restarted under this key; not restarted again` }
      }
      await this.apps.patchNamespacedDeployment(
        { name: k8s.deployment, namespace: k8s.namespace, body: this.restartPatch(options.idempotencyKey, new Date().toISOString()) },
        MERGE_PATCH,
      )
      return { ok: true, detail: `deployment ${where} rollout restart started` }
    } catch (err) {
      if (err instanceof CodedError) throw err
      return { ok: false, detail: describe(err) }
    }
  }

  private restartPatch(key: string, at: string): Record<string, unknown> {
    return { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: at, [RESTART_KEY_ANNOTATION]: key } } } } }
  }

  private check(request: ActionRequest): KubernetesRequest {
    if (request.type !== 'kubernetes') throw new CodedError('action_type_mismatch', `not a kubernetes action: ${request.type}`)
    return request
  }
}
