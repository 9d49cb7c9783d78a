import type { WebClient } from '@slack/web-api'
import { PermanentJobError } from '../core/errors'
import type { Database } from '../storage/database'
import { getPostedMessage, recordPostedMessage } from '../storage/repositories/audit'
import type { SlackMessage } from './blocks/block-kit'
import type { ChannelPacing } from './channel-pacing'

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

/** Messages whose last sent content this process remembers, to skip edits that change nothing. */
const REMEMBERED_EDITS = 5_000

/** How many 429s in a row one send waits out before its job is left to retry. */
const MAX_RATE_LIMITED_ATTEMPTS = 5

export interface MessengerTiming {
  /** Waits `ms`; tests pass one that advances their clock instead of sleeping. */
  sleep(ms: number): Promise<void>
  now(): number
}

const REAL_TIMING: MessengerTiming = { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), now: Date.now }

/** Seconds Slack asked to wait, when `err` is a 429 (WebClient with rejectRateLimitedCalls) or a `ratelimited` answer. */
export function retryAfterSeconds(err: unknown): number | null {
  const e = err as { code?: unknown; retryAfter?: unknown } | null
  if (e?.code === 'slack_webapi_rate_limited_error') return typeof e.retryAfter === 'number' ? e.retryAfter : 1
  return slackErrorCode(err) === 'ratelimited' ? 1 : null
}

/**
 * Posts to Slack for the workers. postOnce() remembers each message under a stable
 * key, so a job retried after a crash updates instead of posting a duplicate.
 * Sends go through one queue per channel, paced across processes by `pacing`; a 429 is waited
 * out, and edits of a message still waiting in the queue are merged so only the latest is sent.
 */
export class SlackMessenger {
  private readonly lanes = new Map<string, Promise<unknown>>()
  private readonly queuedUpdates = new Map<string, { message: SlackMessage; done: Promise<void> }>()
  private readonly lastSent = new Map<string, string>()

  constructor(
    private readonly client: WebClient,
    private readonly db: Database,
    private readonly pacing: ChannelPacing,
    private readonly timing: MessengerTiming = REAL_TIMING,
  ) {}

  async postOnce(key: string, channel: string, message: SlackMessage, threadTs?: string): Promise<{ channel: string; ts: string }> {
    const existing = await getPostedMessage(this.db, key)
    if (existing) return existing
    const res = await this.inLane(channel, () =>
      this.client.chat
        .postMessage({ channel, text: message.text, blocks: message.blocks, thread_ts: threadTs, unfurl_links: false })
        .catch(permanentWhenChannelMissing(channel)),
    )
    const posted = { channel: res.channel ?? channel, ts: res.ts! }
    this.remember(`${posted.channel}:${posted.ts}`, JSON.stringify({ text: message.text, blocks: message.blocks }))
    await recordPostedMessage(this.db, key, posted.channel, posted.ts)
    return posted
  }

  /**
   * Uploads files into a thread with files.uploadV2 (files.getUploadURLExternal per file, then one
   * files.completeUploadExternal), paced like a message; returns the files' ids in the order given.
   */
  async uploadFiles(
    channel: string,
    threadTs: string,
    files: Array<{ file: Buffer; filename: string; title: string; altText: string }>,
    comment: string,
  ): Promise<string[]> {
    if (files.length === 0) return []
    const res = await this.inLane(channel, () =>
      this.client.files
        .uploadV2({
          channel_id: channel,
          thread_ts: threadTs,
          initial_comment: comment,
          file_uploads: files.map((f) => ({ file: f.file, filename: f.filename, title: f.title, alt_text: f.altText })),
        })
        .catch(permanentWhenChannelMissing(channel)),
    )
    const completed = (res as { files?: Array<{ files?: Array<{ id?: string }> }> }).files ?? []
    return completed.flatMap((c) => c.files ?? []).map((f) => f.id ?? '')
  }

  /** Where the message posted under `key` is, or null when none was. */
  findPosted(key: string): Promise<{ channel: string; ts: string } | null> {
    return getPostedMessage(this.db, key)
  }

  /** Edits a message; while an earlier edit of it still waits in the channel's queue, this one replaces its content. */
  update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    const key = `${channel}:${ts}`
    const queued = this.queuedUpdates.get(key)
    if (queued) {
      queued.message = message
      return queued.done
    }
    const entry = { message, done: Promise.resolve() }
    this.queuedUpdates.set(key, entry)
    entry.done = this.inLane(
      channel,
      async () => {
        // From here on, a newer edit queues behind this one instead of changing what is being sent.
        this.queuedUpdates.delete(key)
        const { text, blocks } = entry.message
        const content = JSON.stringify({ text, blocks })
        this.lastSent.delete(key)
        await this.client.chat.update({ channel, ts, text, blocks }).catch(permanentWhenChannelMissing(channel))
        this.remember(key, content)
      },
      {
        requeue: () => {
          if (!this.queuedUpdates.has(key)) this.queuedUpdates.set(key, entry)
        },
        // A redraw that changes nothing spends none of the channel's posting budget.
        unneeded: () => {
          const unchanged = this.lastSent.get(key) === JSON.stringify({ text: entry.message.text, blocks: entry.message.blocks })
          if (unchanged) this.queuedUpdates.delete(key)
          return unchanged
        },
        skipped: undefined,
      },
    )
    return entry.done
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

  private remember(key: string, content: string): void {
    this.lastSent.set(key, content)
    if (this.lastSent.size > REMEMBERED_EDITS) this.lastSent.delete(this.lastSent.keys().next().value!)
  }

  /**
   * Runs `send` after the channel's earlier sends and once its pacing slot comes; a 429 holds the channel
   * for every process and sends again. `requeue` runs before a resend (an edit takes newer content again);
   * when `unneeded` says so at its turn, nothing is sent.
   */
  private inLane<T>(channel: string, send: () => Promise<T>, edit?: { requeue(): void; unneeded(): boolean; skipped: T }): Promise<T> {
    const previous = this.lanes.get(channel) ?? Promise.resolve()
    const run = previous.then(async () => {
      for (let attempt = 1; ; attempt++) {
        if (edit?.unneeded()) return edit.skipped
        const wait = await this.pacing.reserve(channel)
        if (wait > 0) await this.timing.sleep(wait)
        try {
          return await send()
        } catch (err) {
          const seconds = retryAfterSeconds(err)
          if (seconds === null || attempt >= MAX_RATE_LIMITED_ATTEMPTS) throw err
          await this.pacing.holdUntil(channel, this.timing.now() + seconds * 1000)
          edit?.requeue()
        }
      }
    })
    // The lane goes on after a failed send; the failure is the caller's.
    const settled = run.catch(() => undefined)
    this.lanes.set(channel, settled)
    void settled.then(() => {
      if (this.lanes.get(channel) === settled) this.lanes.delete(channel)
    })
    return run
  }
}
