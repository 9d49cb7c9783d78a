import type { WebClient } from '@slack/web-api'
import { PermanentJobError } from '../core/errors'
import type { Database } from '../storage/database'
import { getPostedMessage, recordPostedMessage } from '../storage/repositories/audit'
import type { SlackMessage } from './blocks/block-kit'

/** Slack errors a retry cannot fix: the channel is gone, archived, or the bot is not in it. */
const MISSING_CHANNEL_ERRORS = new Set(['channel_not_found', 'not_in_channel', 'is_archived'])

/** The `error` of a Slack Web API failure ("channel_not_found"), or '' for any other error. */
export function slackErrorCode(err: unknown): string {
  const code = (err as { data?: { error?: unknown } } | null)?.data?.error ?? (err instanceof PermanentJobError ? err.details?.slackError : undefined)
  return typeof code === 'string' ? code : ''
}

/** A missing channel becomes a PermanentJobError, so the job is not retried into the same wall. */
function permanentWhenChannelMissing(channel: string) {
  return (err: unknown): never => {
    const code = slackErrorCode(err)
    if (MISSING_CHANNEL_ERRORS.has(code)) throw new PermanentJobError(`Slack channel ${channel} cannot be posted in (${code})`, { slackError: code, channel })
    throw err
  }
}

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
    const res = await this.client.chat
      .postMessage({ channel, text: message.text, blocks: message.blocks, thread_ts: threadTs, unfurl_links: false })
      .catch(permanentWhenChannelMissing(channel))
    const posted = { channel: res.channel ?? channel, ts: res.ts! }
    await recordPostedMessage(this.db, key, posted.channel, posted.ts)
    return posted
  }

  /** Where the message posted under `key` is, or null when none was. */
  findPosted(key: string): Promise<{ channel: string; ts: string } | null> {
    return getPostedMessage(this.db, key)
  }

  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    await this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }).catch(permanentWhenChannelMissing(channel))
  }

  async ephemeral(channel: string, user: string, message: SlackMessage, threadTs?: string): Promise<void> {
    await this.client.chat
      .postEphemeral({ channel, user, text: message.text, blocks: message.blocks, thread_ts: threadTs })
      .catch(permanentWhenChannelMissing(channel))
  }

  /** A link to a message, or null when Slack cannot give one (the message is gone). */
  async permalink(channel: string, ts: string | undefined): Promise<string | null> {
    if (!ts) return null
    const res = await this.client.chat.getPermalink({ channel, message_ts: ts }).catch(() => null)
    return res?.permalink ?? null
  }
}
