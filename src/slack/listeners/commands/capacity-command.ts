import type { RespondFn } from '@slack/bolt'
import { assessCapacity } from '../../../core/capacity/assess-capacity'
import { truncateText } from '../../../core/truncate-text'
import { escapeMrkdwn } from '../../blocks/block-kit'
import { buildCapacityMessage } from '../../blocks/capacity-blocks'
import type { ListenerDeps } from '../listener-deps'

/**
 * `/sre capacity <service>`: sizes the service from its last four weeks of CPU, memory and latency and what
 * its Deployment and HPA (or Cloud Run service, or database's max_connections) give it, and answers with
 * each suggestion's arithmetic, or "no change needed".
 */
export async function answerCapacity(deps: ListenerDeps, service: string, respond: RespondFn): Promise<void> {
  const name = `\`${escapeMrkdwn(truncateText(service, 100))}\``
  if (!deps.capacity) {
    await respond({ response_type: 'ephemeral', text: 'Capacity suggestions are not set up here: the bot has no telemetry or Kubernetes API to read.' })
    return
  }
  const report = await assessCapacity({ ...deps.capacity, now: deps.now }, service)
  if (!report) {
    await respond({
      response_type: 'ephemeral',
      text:
        `There is no Deployment ${name} to size (the namespace is \`KUBERNETES_NAMESPACE\` unless you write \`namespace/service\`), ` +
        'nor a Cloud Run service of that name where `CLOUD_RUN_REGION` is set.',
    })
    return
  }
  await respond({ response_type: 'ephemeral', ...buildCapacityMessage(report) })
}
