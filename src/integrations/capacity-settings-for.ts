import { GoogleAuth } from 'google-auth-library'
import type { CapacitySettingsPort } from '../core/capacity/capacity-settings'
import type { TelemetryPort } from '../core/telemetry/port'
import type { Config } from '../config'
import { lazyCapacitySettings } from './actions/kubernetes-capacity-settings'
import { type AuthorizedRequester, CloudRunCapacitySettings } from './gcp/cloud-run-capacity-settings'

type CapacityConfig = Pick<
  Config,
  'KUBERNETES_API_URL' | 'KUBERNETES_TOKEN' | 'KUBERNETES_NAMESPACE' | 'CLOUD_RUN_REGION' | 'CLOUD_RUN_API_URL' | 'GCP_PROJECT_ID'
>

/** Telemetry that knows its own workloads' settings (the synthetic fleet). */
interface WithCapacitySettings {
  capacitySettings(): CapacitySettingsPort
}

function ownsSettings(telemetry: TelemetryPort | undefined): telemetry is TelemetryPort & WithCapacitySettings {
  return typeof (telemetry as Partial<WithCapacitySettings> | undefined)?.capacitySettings === 'function'
}

/** Asks each source in turn; the first that knows the service answers (a Deployment first, then a Cloud Run service). */
export function firstKnown(sources: readonly CapacitySettingsPort[]): CapacitySettingsPort {
  return {
    async settings(service) {
      for (const source of sources) {
        const found = await source.settings(service)
        if (found) return found
      }
      return null
    },
  }
}

/**
 * Where capacity settings are read, by configuration: the Kubernetes API named by KUBERNETES_API_URL, Cloud Run in
 * CLOUD_RUN_REGION (both, in that order, when both are set); else the synthetic fleet's own settings when that is
 * the telemetry; else, when `kubeconfig` allows it (the bot answering `/sre capacity`), the kubeconfig or in-cluster
 * account. Undefined when there is nowhere to read them.
 */
export function capacitySettingsFor(
  config: CapacityConfig,
  telemetry: TelemetryPort | undefined,
  options: { kubeconfig: boolean; auth?: AuthorizedRequester },
): CapacitySettingsPort | undefined {
  const sources: CapacitySettingsPort[] = []
  if (config.KUBERNETES_API_URL) sources.push(lazyCapacitySettings(config))
  if (config.CLOUD_RUN_REGION) {
    const auth = options.auth ?? (new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }) as unknown as AuthorizedRequester)
    sources.push(new CloudRunCapacitySettings({ auth, project: config.GCP_PROJECT_ID, region: config.CLOUD_RUN_REGION, rootUrl: config.CLOUD_RUN_API_URL }))
  }
  if (sources.length === 0 && ownsSettings(telemetry)) sources.push(telemetry.capacitySettings())
  if (sources.length === 0 && options.kubeconfig) sources.push(lazyCapacitySettings(config))
  return sources.length === 0 ? undefined : sources.length === 1 ? sources[0] : firstKnown(sources)
}
