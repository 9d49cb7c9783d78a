import type { WebClient } from '@slack/web-api'
import type { Database } from '../storage/database'
import { getPostedMessage, recordPostedMessage } from '../storage/repositories/audit'
import type { SlackMessage } from './blocks/block-kit'

/**
 * Posts to Slack for the workers. postOnce() remembers each message under a stable
 * key, so a job retried after a crash updates instead of posting a duplicate.
 */
export class SlackMessenger {
  constructor(
    private readonly client: WebClient,
    private readonly db: Database,
  ) {}

  async postOnce(key: string, channel: string, message: SlackMessage, threadTs?: string): Promise<{ channel: string; ts: string }> {
    const existing = await getPostedMessage(this.db, key)
    if (existing) return existing
    const res = await this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, thread_ts: threadTs, unfurl_links: false })
    const posted = { channel: res.channel ?? channel, ts: res.ts! }
    await recordPostedMessage(this.db, key, posted.channel, posted.ts)
    return posted
  }

  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    await this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks })
  }

  async ephemeral(channel: string, user: string, message: SlackMessage, threadTs?: string): Promise<void> {
    await this.client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks, thread_ts: threadTs })
  }

  /** A link to a message, or null when Slack cannot give one (the message is gone). */
  async permalink(channel: string, ts: string | undefined): Promise<string | null> {
    if (!ts) return null
    const res = await this.client.chat.getPermalink({ channel, message_ts: ts }).catch(() => null)
    return res?.permalink ?? null
  }

  async usergroupMembers(usergroup: string): Promise<string[]> {
    const res = await this.client.usergroups.users.list({ usergroup })
    return res.users ?? []
  }
}
