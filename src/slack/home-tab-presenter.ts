import type { WebClient } from '@slack/web-api'
import type { HomeDashboard, HomeTab } from '../core/home/home-dashboard'
import type { Logger } from '../logger'
import { buildHomeView } from './blocks/home-blocks'
import { CodedError } from '../core/errors'
import { retryAfterSeconds } from './messenger'

// The workspace's URL (auth.test), from which message links are built: asked once per client, again after a failure.
const workspaceUrls = new WeakMap<WebClient, Promise<string | null>>()

function workspaceUrlOf(client: WebClient, logger: Logger): Promise<string | null> {
  let url = workspaceUrls.get(client)
  if (!url) {
    url = client.auth.test().then(
      (res) => (typeof res.url === 'string' ? res.url : null),
      (err: unknown) => {
        workspaceUrls.delete(client)
        logger.warn({ err }, 'auth.test failed: the Home tab shows no thread links this time')
        return null
      },
    )
    workspaceUrls.set(client, url)
  }
  return url
}

/** The App Home tab in Slack: each person's dashboard, published with views.publish. */
export class SlackHomeTab implements HomeTab {
  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
  ) {}

  /** Slack's 429 becomes `home_publish_rate_limited`, so the caller can try again in a later window. */
  async publish(dashboard: HomeDashboard): Promise<void> {
    const view = buildHomeView(dashboard, { workspaceUrl: await workspaceUrlOf(this.client, this.logger) })
    try {
      await this.client.views.publish({ user_id: dashboard.userId, view })
    } catch (err) {
      const seconds = retryAfterSeconds(err)
      if (seconds === null) throw err
      throw new CodedError('home_publish_rate_limited', `views.publish is rate limited for ${seconds} s`, { retryAfterSeconds: seconds })
    }
  }

  /** A group that cannot be read (missing usergroups:read, deleted group) counts as empty here: the dashboard still shows. */
  async membersOf(group: string): Promise<string[]> {
    try {
      return (await this.client.usergroups.users.list({ usergroup: group })).users ?? []
    } catch (err) {
      this.logger.warn({ err, group }, 'could not list the members of a user group for the Home tab')
      return []
    }
  }
}
