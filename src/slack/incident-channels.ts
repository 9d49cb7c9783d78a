import type { WebClient } from '@slack/web-api'
import type { IncidentChannelCreation } from '../core/incidents/incident-thread'
import type { UninvitedUser } from './blocks/incident-channel-blocks'
import { retryAfterSeconds, slackErrorCode } from './messenger'

/** Invitations that need nothing more: the person is there already (a retried job invites again). */
const ALREADY_THERE = new Set(['already_in_channel', 'cant_invite_self'])

/**
 * The Slack calls of incident channels: create one under the first free name, invite people (user groups
 * expanded), pin a message. Slack's refusals come back as values for the caller to say; a rate limit or a
 * network failure is thrown, for the job to retry.
 */
export class SlackIncidentChannels {
  constructor(private readonly client: WebClient) {}

  async create(names: string[], isPrivate: boolean): Promise<IncidentChannelCreation> {
    const taken: string[] = []
    for (const name of names) {
      try {
        const res = await this.client.conversations.create({ name, is_private: isPrivate })
        if (!res.channel?.id) return { refused: 'Slack answered without a channel' }
        return { created: { id: res.channel.id, name: res.channel.name ?? name } }
      } catch (err) {
        const code = refusalOf(err)
        if (code === 'name_taken') taken.push(name)
        else return { refused: code }
      }
    }
    return { refused: `name_taken: ${taken.join(', ')}` }
  }

  /** Invites each user, and each member of each user group (S…); returns who could not be invited and why. */
  async invite(channel: string, ids: readonly string[]): Promise<UninvitedUser[]> {
    const skipped: UninvitedUser[] = []
    const users = new Set<string>()
    for (const id of ids) {
      if (!id.startsWith('S')) {
        users.add(id)
        continue
      }
      try {
        const res = await this.client.usergroups.users.list({ usergroup: id })
        for (const user of res.users ?? []) users.add(user)
      } catch (err) {
        skipped.push({ id, error: refusalOf(err) })
      }
    }
    // One at a time: Slack refuses a whole list for one user it cannot invite.
    for (const user of users) {
      try {
        await this.client.conversations.invite({ channel, users: user })
      } catch (err) {
        const code = refusalOf(err)
        if (!ALREADY_THERE.has(code)) skipped.push({ id: user, error: code })
      }
    }
    return skipped
  }

  /** Pins the message; Slack's reason when it would not, null when it is pinned. */
  async pin(channel: string, ts: string): Promise<string | null> {
    try {
      await this.client.pins.add({ channel, timestamp: ts })
      return null
    } catch (err) {
      const code = refusalOf(err)
      return code === 'already_pinned' ? null : code
    }
  }
}

/** Slack's error code, with the scope it needed for missing_scope; rethrows what is not a refusal (rate limit, network). */
function refusalOf(err: unknown): string {
  const code = slackErrorCode(err)
  if (!code || retryAfterSeconds(err) !== null) throw err
  const needed = (err as { data?: { needed?: unknown } }).data?.needed
  return code === 'missing_scope' && typeof needed === 'string' ? `missing_scope: the app needs ${needed}` : code
}
