export type SlackBlock = Record<string, unknown>

export interface MessageContent {
  text?: string
  blocks?: SlackBlock[]
  attachments?: Record<string, unknown>[]
}

export interface MessageVersion extends MessageContent {
  at: Date
}

/** How a message reached the channel: a Web API call or a POST to an interaction's response_url. */
export type PostedVia = 'web_api' | 'response_url'

export interface RecordedMessage extends MessageContent {
  channel: string
  ts: string
  /** Root ts of the thread this message replies in; absent for a root message. */
  threadTs?: string
  user: string
  botId?: string
  replyBroadcast: boolean
  postedVia: PostedVia
  postedAt: Date
  /** Earlier versions, oldest first; the fields above hold the current one. */
  edits: MessageVersion[]
  deleted: boolean
  /** Files shared with the message (files.completeUploadExternal). */
  files?: SharedFile[]
}

/** A file uploaded with files.getUploadURLExternal, its bytes, and completeUploadExternal. */
export interface SharedFile {
  id: string
  name: string
  title: string
  mimetype: string
  size: number
  bytes: Buffer
}

export interface RecordedEphemeral extends MessageContent {
  channel: string
  /** The only user who sees it. */
  user: string
  messageTs: string
  threadTs?: string
  postedVia: PostedVia
  postedAt: Date
}

export interface NewMessage extends MessageContent {
  channel: string
  user: string
  botId?: string
  threadTs?: string
  replyBroadcast?: boolean
  postedVia?: PostedVia
}

export interface NewEphemeral extends MessageContent {
  channel: string
  user: string
  threadTs?: string
  postedVia?: PostedVia
}

/**
 * The channels, threads and ephemeral messages of the simulated workspace, with ts values
 * issued like Slack's: unique, increasing, "seconds.micros".
 */
export class SlackMessageStore {
  private readonly messagesByChannel = new Map<string, RecordedMessage[]>()
  private readonly recordedEphemerals: RecordedEphemeral[] = []
  private readonly channelOrder: string[] = []
  private issuedTs = 0

  constructor(private readonly firstTsSeconds = 1_700_000_000) {}

  nextTs(): string {
    this.issuedTs += 1
    const micros = BigInt(this.firstTsSeconds) * 1_000_000n + BigInt(this.issuedTs) * 100n
    const seconds = micros / 1_000_000n
    return `${seconds}.${(micros % 1_000_000n).toString().padStart(6, '0')}`
  }

  post(input: NewMessage): RecordedMessage {
    const message: RecordedMessage = {
      channel: input.channel,
      ts: this.nextTs(),
      user: input.user,
      replyBroadcast: input.replyBroadcast ?? false,
      postedVia: input.postedVia ?? 'web_api',
      postedAt: new Date(),
      edits: [],
      deleted: false,
      ...pickContent(input),
    }
    if (input.botId !== undefined) message.botId = input.botId
    const threadTs = input.threadTs === undefined ? undefined : this.threadRootTs(input.channel, input.threadTs)
    if (threadTs !== undefined && threadTs !== message.ts) message.threadTs = threadTs
    this.channelMessages(input.channel).push(message)
    return message
  }

  /** Replaces the given fields and keeps the previous version; undefined when no such message. */
  update(channel: string, ts: string, content: MessageContent): RecordedMessage | undefined {
    const message = this.message(channel, ts)
    if (message === undefined || message.deleted) return undefined
    message.edits.push({ at: new Date(), ...pickContent(message) })
    // Like chat.update: fields left out keep their previous value.
    if (content.text !== undefined) message.text = content.text
    if (content.blocks !== undefined) message.blocks = content.blocks
    if (content.attachments !== undefined) message.attachments = content.attachments
    return message
  }

  delete(channel: string, ts: string): RecordedMessage | undefined {
    const message = this.message(channel, ts)
    if (message === undefined || message.deleted) return undefined
    message.deleted = true
    return message
  }

  postEphemeral(input: NewEphemeral): RecordedEphemeral {
    const ephemeral: RecordedEphemeral = {
      channel: input.channel,
      user: input.user,
      messageTs: this.nextTs(),
      postedVia: input.postedVia ?? 'web_api',
      postedAt: new Date(),
      ...pickContent(input),
    }
    if (input.threadTs !== undefined) ephemeral.threadTs = this.threadRootTs(input.channel, input.threadTs)
    this.noteChannel(input.channel)
    this.recordedEphemerals.push(ephemeral)
    return ephemeral
  }

  /** A message by ts, including a deleted one (flagged `deleted`). */
  message(channel: string, ts: string): RecordedMessage | undefined {
    return this.messagesByChannel.get(channel)?.find((message) => message.ts === ts)
  }

  /** Every live message in the channel, roots and replies, in ts order. */
  messagesIn(channel: string): RecordedMessage[] {
    return (this.messagesByChannel.get(channel) ?? []).filter((message) => !message.deleted)
  }

  /** Live root messages of the channel (what conversations.history shows), in ts order. */
  rootMessagesIn(channel: string): RecordedMessage[] {
    return this.messagesIn(channel).filter((message) => message.threadTs === undefined)
  }

  /** The root message followed by its live replies, in ts order (what conversations.replies shows). */
  thread(channel: string, rootTs: string): RecordedMessage[] {
    return this.messagesIn(channel).filter((message) => message.ts === rootTs || message.threadTs === rootTs)
  }

  ephemerals(): readonly RecordedEphemeral[] {
    return this.recordedEphemerals
  }

  /** Channels in the order something was first posted to them. */
  channels(): readonly string[] {
    return this.channelOrder
  }

  /** Every message ever posted to the channel, deleted ones included, in ts order. */
  historyOf(channel: string): readonly RecordedMessage[] {
    return this.messagesByChannel.get(channel) ?? []
  }

  clear(): void {
    this.messagesByChannel.clear()
    this.recordedEphemerals.length = 0
    this.channelOrder.length = 0
  }

  // Replying to a reply lands in the same thread in Slack, so point at the root.
  private threadRootTs(channel: string, threadTs: string): string {
    return this.message(channel, threadTs)?.threadTs ?? threadTs
  }

  private channelMessages(channel: string): RecordedMessage[] {
    this.noteChannel(channel)
    let messages = this.messagesByChannel.get(channel)
    if (messages === undefined) {
      messages = []
      this.messagesByChannel.set(channel, messages)
    }
    return messages
  }

  private noteChannel(channel: string): void {
    if (!this.channelOrder.includes(channel)) this.channelOrder.push(channel)
  }
}

function pickContent(source: MessageContent): MessageContent {
  const content: MessageContent = {}
  if (source.text !== undefined) content.text = source.text
  if (source.blocks !== undefined) content.blocks = source.blocks
  if (source.attachments !== undefined) content.attachments = source.attachments
  return content
}

/** Orders Slack ts strings ("seconds.micros") numerically. */
export function compareSlackTs(a: string, b: string): number {
  const [aSeconds = '0', aMicros = '0'] = a.split('.')
  const [bSeconds = '0', bMicros = '0'] = b.split('.')
  return Number(aSeconds) - Number(bSeconds) || Number(aMicros.padEnd(6, '0')) - Number(bMicros.padEnd(6, '0'))
}
