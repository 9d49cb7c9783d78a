import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt'
import { incidentLabel } from '../../../core/incidents/incident-label'
import { listOpenIncidents } from '../../../storage/repositories/incidents'
import { context, escapeMrkdwn, header, section } from '../../blocks/block-kit'
import { SRE_COMMANDS } from '../../blocks/help-blocks'
import type { ListenerDeps } from '../listener-deps'

/** The App Home tab: open incidents and the commands. */
export function createAppHomeOpenedHandler(deps: ListenerDeps) {
  return async ({ event, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab !== 'home') return
    const open = await listOpenIncidents(deps.db, 20)
    await client.views.publish({
      user_id: event.user,
      view: {
        type: 'home',
        blocks: [
          header('Open incidents'),
          section(open.length ? open.map((i) => `• *${incidentLabel(i)}* ${escapeMrkdwn(i.title)} — ${i.severity}`).join('\n') : 'No open incidents. :sunny:'),
          header('Commands'),
          section(SRE_COMMANDS.map(([c, d]) => `• \`${c}\` — ${d}`).join('\n')),
          context(`Updated ${deps.now().toISOString()}`),
        ],
      },
    })
  }
}
