import type { KnownBlock } from '@slack/types'
import type { BlueprintChangeView } from '../../core/incidents/incident-thread'
import { truncateText } from '../../core/truncate-text'
import { context, escapeMrkdwn, section, type SlackMessage } from './block-kit'

// Slack allows 50 blocks; a big first refresh is summarised rather than cut off.
const MAX_LISTED = 30

const ICON: Record<BlueprintChangeView['kind'], string> = {
  added: ':new:',
  back: ':repeat:',
  stopped: ':wave:',
  declared_unobserved: ':grey_question:',
}

/** Everything one blueprint refresh changed, in one message: new dependencies first, then the ones gone, then declared ones never seen. */
export function buildBlueprintChangesMessage(changes: BlueprintChangeView[]): SlackMessage {
  const order: Array<BlueprintChangeView['kind']> = ['added', 'back', 'stopped', 'declared_unobserved']
  const ordered = [...changes].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind))
  const title = `*Service blueprint: ${changes.length === 1 ? 'one change' : `${changes.length} changes`}*`
  const blocks: KnownBlock[] = [
    section(`:world_map: ${title}`),
    ...ordered.slice(0, MAX_LISTED).map((c) => section(`${ICON[c.kind]} ${escapeMrkdwn(truncateText(c.line, 600))}`)),
  ]
  if (ordered.length > MAX_LISTED) blocks.push(section(`and ${ordered.length - MAX_LISTED} more; \`/sre blueprint\` draws the whole graph`))
  blocks.push(context('From sampled traces and the declared topology · `/sre blueprint [service]` draws it'))
  const first = ordered[0]?.line ?? 'no change'
  return { text: `Service blueprint: ${escapeMrkdwn(truncateText(first, 300))}${ordered.length > 1 ? ` (and ${ordered.length - 1} more)` : ''}`, blocks }
}
