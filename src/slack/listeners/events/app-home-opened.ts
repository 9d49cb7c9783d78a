import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt'
import { incidentLabel } from '../../../core/incidents/incident-label'
import { listOpenIncidents } from '../../../storage/repositories/incidents'
import { context, escapeMrkdwn, header, section } from '../../blocks/block-kit'
import { sreCommandLines } from '../../blocks/help-blocks'
import type { ListenerDeps } from '../listener-deps'

type Args = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs

/** The App Home tab: open incidents and the commands. */
export function createAppHomeOpenedHandler(deps: ListenerDeps) {
  return async ({ event, client }: Args): Promise<void> => {
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
          section(sreCommandLines()),
          context(`Updated ${deps.now().toISOString()}`),
        ],
      },
    })
  }
}

/** The Home tab has nowhere to post an ephemeral: a failure is shown on the tab itself, with the commands that still work. */
export async function showHomeFailure({ event, client }: Args, message: string): Promise<void> {
  if (event.tab !== 'home') return
  await client.views.publish({
    user_id: event.user,
    view: { type: 'home', blocks: [section(message), header('Commands'), section(sreCommandLines())] },
  })
}
