import { AppsV1Api, AutoscalingV2Api, type KubeConfig, type V1Deployment } from '@kubernetes/client-node'
import type { CapacitySettings, CapacitySettingsPort } from '../../core/capacity/capacity-settings'
import { CodedError } from '../../core/errors'
import { loadKubeConfig } from './kubernetes-action-executor'

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 }
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 }

/** A Kubernetes quantity in base units: "500m" → 0.5, "512Mi" → 536870912, "1G" → 1e9; null when unreadable. */
export function parseQuantity(text: string | undefined): number | null {
  if (!text) return null
  const m = /^([0-9.]+)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(text.trim())
  if (!m) return null
  const value = Number(m[1])
  const unit = m[2]
  if (!Number.isFinite(value)) return null
  if (!unit) return value
  if (unit === 'm') return value / 1000
  return value * (BINARY[unit] ?? DECIMAL[unit] ?? Number.NaN)
}

/** Sum of a resource over the pod's containers; null when no container declares it. */
function sumOver(deployment: V1Deployment, kind: 'requests' | 'limits', resource: 'cpu' | 'memory'): number | null {
  const values = (deployment.spec?.template?.spec?.containers ?? []).map((c) => parseQuantity(c.resources?.[kind]?.[resource]))
  const known = values.filter((v): v is number => v !== null)
  return known.length ? known.reduce((a, b) => a + b, 0) : null
}

function gib(bytes: number | null): number | null {
  return bytes === null ? null : Math.round((bytes / 2 ** 30) * 1000) / 1000
}

/**
 * Reads what a service's Deployment is given, through the same API client the scale action uses:
 * replicas, per-replica requests and limits, and the HorizontalPodAutoscaler that targets it.
 * The service is the Deployment's name; `namespace/name` picks another namespace than the default.
 */
export class KubernetesCapacitySettings implements CapacitySettingsPort {
  private readonly apps: AppsV1Api
  private readonly autoscaling: AutoscalingV2Api

  constructor(
    kubeConfig: KubeConfig,
    private readonly defaultNamespace: string,
  ) {
    this.apps = kubeConfig.makeApiClient(AppsV1Api)
    this.autoscaling = kubeConfig.makeApiClient(AutoscalingV2Api)
  }

  /** Namespace and Deployment name of a service argument. */
  where(service: string): { namespace: string; deployment: string } {
    const slash = service.indexOf('/')
    return slash > 0 ? { namespace: service.slice(0, slash), deployment: service.slice(slash + 1) } : { namespace: this.defaultNamespace, deployment: service }
  }

  async settings(service: string): Promise<CapacitySettings | null> {
    const { namespace, deployment: name } = this.where(service)
    let deployment: V1Deployment
    try {
      deployment = await this.apps.readNamespacedDeployment({ name, namespace })
    } catch (err) {
      if ((err as { code?: number }).code === 404) return null
      throw new CodedError('kubernetes_read_failed', `could not read deployment ${namespace}/${name}: ${(err as Error).message}`)
    }
    const hpas = await this.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }).catch((err: unknown) => {
      throw new CodedError('kubernetes_read_failed', `could not list the autoscalers of ${namespace}: ${(err as Error).message}`)
    })
    const hpa = hpas.items.find((h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === name)
    return {
      source: `deployment ${namespace}/${name}`,
      deployment: { namespace, name },
      replicas: deployment.spec?.replicas ?? 0,
      autoscaler: hpa?.spec ? { minReplicas: hpa.spec.minReplicas ?? 1, maxReplicas: hpa.spec.maxReplicas } : null,
      cpuRequestCores: sumOver(deployment, 'requests', 'cpu'),
      cpuLimitCores: sumOver(deployment, 'limits', 'cpu'),
      memoryRequestGiB: gib(sumOver(deployment, 'requests', 'memory')),
      memoryLimitGiB: gib(sumOver(deployment, 'limits', 'memory')),
    }
  }
}

/** The settings port on the configured API server, connected on first use (no kubeconfig is read at startup). */
export function lazyCapacitySettings(config: { KUBERNETES_API_URL?: string; KUBERNETES_TOKEN?: string; KUBERNETES_NAMESPACE: string }): CapacitySettingsPort {
  let reader: KubernetesCapacitySettings | null = null
  return {
    settings(service) {
      reader ??= new KubernetesCapacitySettings(
        loadKubeConfig({ apiUrl: config.KUBERNETES_API_URL, token: config.KUBERNETES_TOKEN }),
        config.KUBERNETES_NAMESPACE,
      )
      return reader.settings(service)
    },
  }
}
