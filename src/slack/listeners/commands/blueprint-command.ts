import type { RespondFn } from '@slack/bolt'
import type { WebClient } from '@slack/web-api'
import { buildBlueprintView, UnknownBlueprintServiceError } from '../../../core/blueprint/blueprint-view'
import { truncateText } from '../../../core/truncate-text'
import { renderBlueprintSvg } from '../../../integrations/render/blueprint-svg'
import { svgToPng } from '../../../integrations/render/svg-to-png'
import { listBlueprintEdges } from '../../../storage/repositories/blueprint-edges'
import { escapeMrkdwn } from '../../blocks/block-kit'
import type { ListenerDeps } from '../listener-deps'

const LISTED_SERVICES = 30

/**
 * `/sre blueprint [service]`: draws the stored blueprint (what traces showed and what is declared)
 * and shares the picture in the channel, the service and its neighbours highlighted.
 */
export async function answerBlueprint(
  deps: ListenerDeps,
  client: WebClient,
  where: { channel: string; user: string },
  service: string | null,
  respond: RespondFn,
): Promise<void> {
  const edges = await listBlueprintEdges(deps.db)
  if (edges.length === 0) {
    await respond({
      response_type: 'ephemeral',
      text: 'The service blueprint is empty: the `blueprint.refresh` job has not stored any dependency yet (it runs every `BLUEPRINT_INTERVAL_MINUTES`).',
    })
    return
  }
  let view: ReturnType<typeof buildBlueprintView>
  try {
    view = buildBlueprintView(edges, service, deps.now())
  } catch (err) {
    if (!(err instanceof UnknownBlueprintServiceError)) throw err
    const known = err.known.slice(0, LISTED_SERVICES).map((n) => `\`${escapeMrkdwn(n)}\``)
    const more = err.known.length > LISTED_SERVICES ? ` and ${err.known.length - LISTED_SERVICES} more` : ''
    await respond({
      response_type: 'ephemeral',
      text: `No service \`${escapeMrkdwn(truncateText(err.service, 100))}\` in the blueprint. It has ${known.join(', ')}${more}.`,
    })
    return
  }
  const png = svgToPng(await renderBlueprintSvg(view))
  const observed = view.edges.filter((e) => e.source !== 'declared').length
  const about = service === null ? 'the service blueprint' : `the service blueprint around \`${escapeMrkdwn(truncateText(service, 100))}\``
  await client.files.uploadV2({
    channel_id: where.channel,
    file: png,
    filename: 'service-blueprint.png',
    title: service === null ? 'Service blueprint' : `Service blueprint: ${truncateText(service, 100)}`,
    alt_text: `Service dependency graph: ${view.nodes.length} services, ${view.edges.length} dependencies`,
    initial_comment:
      `<@${where.user}> asked for ${about}: ${view.nodes.length} services, ${view.edges.length} dependencies, ` +
      `${observed} seen in traces (dashed: declared only).`,
  })
}
