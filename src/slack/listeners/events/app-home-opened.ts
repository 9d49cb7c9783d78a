import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt'
import { SECOND_MS } from '../../../core/durations'
import { loadHomeDashboard } from '../../../storage/repositories/home-dashboard'
import { claimHomePublish, HOME_REFRESH_DEFAULTS, recordHomeOpened } from '../../../storage/repositories/home-viewers'
import { header, section } from '../../blocks/block-kit'
import { sreCommandLines } from '../../blocks/help-blocks'
import { SlackHomeTab } from '../../home-tab-presenter'
import type { ListenerDeps } from '../listener-deps'

type Args = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs

/**
 * The App Home tab: the person's dashboard, published now unless it was published within HOME_REFRESH_MIN_SECONDS
 * (then it is that fresh, or a refresh is queued for it). Opening it also subscribes them to refreshes for HOME_ACTIVE_MINUTES.
 */
export function createAppHomeOpenedHandler(deps: ListenerDeps) {
  return async ({ event, client }: Args): Promise<void> => {
    if (event.tab !== 'home') return
    const now = deps.now()
    const minSeconds = deps.config.HOME_REFRESH_MIN_SECONDS ?? HOME_REFRESH_DEFAULTS.HOME_REFRESH_MIN_SECONDS
    await recordHomeOpened(deps.db, event.user, now)
    // Published moments ago: a change since then has marked it stale and queued the window's refresh.
    if (!(await claimHomePublish(deps.db, event.user, now, new Date(now.getTime() - minSeconds * SECOND_MS)))) return
    const home = new SlackHomeTab(client, deps.logger)
    const dashboard = await loadHomeDashboard(deps.db, event.user, { now, configuredApprovers: deps.config.APPROVERS, membersOf: (g) => home.membersOf(g) })
    await home.publish(dashboard)
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
