import { z } from 'zod'
import { findBlockKitViolations, type BlockSurface } from './block-kit-validator'
import { FAKE_WORKSPACE } from './fake-workspace'
import type { MessageContent, RecordedMessage, SharedFile, SlackBlock, SlackMessageStore } from './slack-message-store'

/** The JSON body Slack answers a Web API call with (always HTTP 200, `ok` tells success). */
export type WebApiAnswer = { ok: boolean; error?: string } & Record<string, unknown>

export interface FakeChannel {
  id: string
  name?: string
  isPrivate?: boolean
}

export interface FakeUser {
  id: string
  name?: string
  realName?: string
  isBot?: boolean
}

export interface FakeWorkspaceDirectory {
  /** When given, only these channels exist; otherwise any channel id is accepted. */
  channels?: ReadonlyArray<string | FakeChannel>
  /** When given, users.info knows only these users; otherwise it makes one up per id. */
  users?: readonly FakeUser[]
  /** Usergroup id → member user ids. */
  usergroups?: Readonly<Record<string, readonly string[]>>
}

export interface RecordedViewPublish {
  userId: string
  viewId: string
  view: Record<string, unknown>
  at: Date
}

/** A modal the app opened with views.open, as a test reads it to fill it in. */
export interface RecordedViewOpen {
  triggerId: string
  viewId: string
  view: Record<string, unknown>
  at: Date
}

const MAX_MESSAGE_TEXT = 40_000
const MAX_CHANNEL_NAME = 80

/** Scopes the methods that check them need (conversations.* on a private channel need groups:write instead). */
const METHOD_SCOPES: Record<string, string> = {
  'conversations.create': 'channels:manage',
  'conversations.invite': 'channels:manage',
  'pins.add': 'pins:write',
  'usergroups.users.list': 'usergroups:read',
}

const flag = z
  .union([z.boolean(), z.string()])
  .optional()
  .transform((value) => value === true || value === 'true' || value === '1')

const blocksField = z.unknown().optional()
const attachmentsField = z.array(z.record(z.string(), z.unknown())).optional()

const postMessageArgs = z.object({
  channel: z.string().min(1),
  text: z.string().optional(),
  blocks: blocksField,
  attachments: attachmentsField,
  thread_ts: z.string().optional(),
  reply_broadcast: flag,
})

const updateArgs = z.object({
  channel: z.string().min(1),
  ts: z.string().min(1),
  text: z.string().optional(),
  blocks: blocksField,
  attachments: attachmentsField,
})

const deleteArgs = z.object({ channel: z.string().min(1), ts: z.string().min(1) })

const postEphemeralArgs = z.object({
  channel: z.string().min(1),
  user: z.string().min(1),
  text: z.string().optional(),
  blocks: blocksField,
  attachments: attachmentsField,
  thread_ts: z.string().optional(),
})

const permalinkArgs = z.object({ channel: z.string().min(1), message_ts: z.string().min(1) })
const channelArgs = z.object({ channel: z.string().min(1) })
const historyArgs = z.object({
  channel: z.string().min(1),
  limit: z.coerce.number().int().positive().optional(),
  latest: z.string().min(1).optional(),
  oldest: z.string().min(1).optional(),
  inclusive: flag,
})
const repliesArgs = z.object({ channel: z.string().min(1), ts: z.string().min(1) })
const userArgs = z.object({ user: z.string().min(1) })
const usergroupArgs = z.object({ usergroup: z.string().min(1) })
const createArgs = z.object({ name: z.string().optional(), is_private: flag })
const inviteArgs = z.object({ channel: z.string().min(1), users: z.string().optional() })
const pinArgs = z.object({ channel: z.string().min(1), timestamp: z.string().optional() })
const uploadUrlArgs = z.object({
  filename: z.string().min(1),
  length: z.coerce.number().int().positive(),
  alt_text: z.string().max(1000).optional(),
  snippet_type: z.string().optional(),
})
const completeUploadArgs = z.object({
  files: z.union([z.string(), z.array(z.unknown())]).transform((value, ctx) => {
    try {
      return z
        .array(z.object({ id: z.string().min(1), title: z.string().optional() }))
        .min(1)
        .parse(typeof value === 'string' ? JSON.parse(value) : value)
    } catch {
      ctx.addIssue({ code: 'custom', message: 'files must be a JSON array of { id, title }' })
      return z.NEVER
    }
  }),
  channel_id: z.string().min(1).optional(),
  thread_ts: z.string().optional(),
  initial_comment: z.string().optional(),
})
const publishArgs = z.object({ user_id: z.string().min(1), view: z.record(z.string(), z.unknown()) })
const openArgs = z.object({ trigger_id: z.string().min(1), view: z.record(z.string(), z.unknown()) })

type Args = Record<string, unknown>

/** Slack's Web API methods, answered from the in-memory workspace. */
export class FakeWebApiMethods {
  readonly viewPublishes: RecordedViewPublish[] = []
  readonly viewOpens: RecordedViewOpen[] = []
  private readonly channels: Map<string, FakeChannel> | undefined
  /** Channels made during the run (conversations.create, or added by a test), on top of the directory's. */
  private readonly addedChannels = new Map<string, FakeChannel>()
  /** Who is in the channels the bot created or invited people to. */
  private readonly members = new Map<string, Set<string>>()
  private readonly pins = new Map<string, string[]>()
  private readonly revokedScopes = new Set<string>()
  private createdChannels = 0
  private readonly methods: Record<string, (args: Args) => WebApiAnswer>
  private issuedViews = 0
  /** Files asked an upload URL for, by id, with their bytes once uploaded. */
  private readonly uploads = new Map<string, { name: string; bytes: Buffer | null }>()
  /** Where upload URLs point (the simulator's own base URL, set when it starts listening). */
  uploadBaseUrl = 'http://127.0.0.1'

  constructor(
    private readonly store: SlackMessageStore,
    private readonly directory: FakeWorkspaceDirectory = {},
  ) {
    this.channels =
      directory.channels === undefined
        ? undefined
        : new Map(
            directory.channels.map((channel) => {
              const described = typeof channel === 'string' ? { id: channel } : channel
              return [described.id, described]
            }),
          )
    this.methods = {
      'auth.test': () => this.authTest(),
      'chat.postMessage': (args) => this.postMessage(args),
      'chat.update': (args) => this.update(args),
      'chat.delete': (args) => this.deleteMessage(args),
      'chat.postEphemeral': (args) => this.postEphemeral(args),
      'chat.getPermalink': (args) => this.getPermalink(args),
      'conversations.info': (args) => this.conversationInfo(args),
      'conversations.history': (args) => this.conversationHistory(args),
      'conversations.replies': (args) => this.conversationReplies(args),
      'conversations.create': (args) => this.createConversation(args),
      'conversations.invite': (args) => this.inviteToConversation(args),
      'pins.add': (args) => this.addPin(args),
      'users.info': (args) => this.userInfo(args),
      'usergroups.users.list': (args) => this.usergroupUsers(args),
      'views.publish': (args) => this.publishView(args),
      'views.open': (args) => this.openView(args),
      'files.getUploadURLExternal': (args) => this.getUploadUrlExternal(args),
      'files.completeUploadExternal': (args) => this.completeUploadExternal(args),
    }
  }

  call(method: string, args: Args): WebApiAnswer {
    const handler = this.methods[method]
    if (handler === undefined) return failure('unknown_method')
    const missing = this.missingScope(method, args)
    if (missing !== undefined) return missing
    return handler(args)
  }

  channelExists(channel: string): boolean {
    return this.channels === undefined || this.channels.has(channel) || this.addedChannels.has(channel)
  }

  /** The configured (or created) name of a channel, if any. */
  channelName(id: string): string | undefined {
    return this.addedChannels.get(id)?.name ?? this.channels?.get(id)?.name
  }

  /** A channel that exists from now on, e.g. one whose name an incident channel then finds taken. */
  addChannel(channel: FakeChannel): void {
    this.addedChannels.set(channel.id, channel)
  }

  /** Users invited to (or, for the channels it created, the bot in) the channel, in order of joining. */
  channelMembers(id: string): string[] {
    return [...(this.members.get(id) ?? [])]
  }

  /** Timestamps of the messages pinned in the channel, in order of pinning. */
  pinnedIn(id: string): string[] {
    return [...(this.pins.get(id) ?? [])]
  }

  /** From now on, methods needing these scopes answer missing_scope, as for an app installed without them. */
  revokeScopes(scopes: readonly string[]): void {
    for (const scope of scopes) this.revokedScopes.add(scope)
  }

  grantScopes(scopes: readonly string[]): void {
    for (const scope of scopes) this.revokedScopes.delete(scope)
  }

  /** Checks message content the way chat.postMessage does; undefined when Slack would accept it. */
  rejectContent(content: MessageContent, surface: BlockSurface = 'message'): WebApiAnswer | undefined {
    if (content.blocks !== undefined && !Array.isArray(content.blocks)) return failure('invalid_blocks_format')
    const hasText = content.text !== undefined && content.text.length > 0
    const hasBlocks = Array.isArray(content.blocks) && content.blocks.length > 0
    const hasAttachments = content.attachments !== undefined && content.attachments.length > 0
    if (!hasText && !hasBlocks && !hasAttachments) return failure('no_text')
    if (content.text !== undefined && content.text.length > MAX_MESSAGE_TEXT) return failure('msg_too_long')
    return content.blocks === undefined ? undefined : this.rejectBlocks(content.blocks, surface)
  }

  permalink(message: RecordedMessage): string {
    const base = `https://${FAKE_WORKSPACE.teamDomain}.slack.com/archives/${message.channel}/p${message.ts.replace('.', '')}`
    return message.threadTs === undefined ? base : `${base}?thread_ts=${message.threadTs}&cid=${message.channel}`
  }

  clear(): void {
    this.viewPublishes.length = 0
    this.viewOpens.length = 0
    this.addedChannels.clear()
    this.members.clear()
    this.pins.clear()
    this.revokedScopes.clear()
  }

  private authTest(): WebApiAnswer {
    return {
      ok: true,
      url: `https://${FAKE_WORKSPACE.teamDomain}.slack.com/`,
      team: FAKE_WORKSPACE.teamName,
      user: FAKE_WORKSPACE.botName,
      team_id: FAKE_WORKSPACE.teamId,
      user_id: FAKE_WORKSPACE.botUserId,
      bot_id: FAKE_WORKSPACE.botId,
      is_enterprise_install: false,
    }
  }

  private postMessage(raw: Args): WebApiAnswer {
    const parsed = postMessageArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    const args = parsed.data
    // As in Slack, a user id as the channel posts into the app's DM with that user.
    const dm = /^[UW][A-Z0-9]+$/.test(args.channel)
    if (dm && !this.userExists(args.channel)) return failure('channel_not_found')
    const channel = dm ? `D${args.channel.slice(1)}` : args.channel
    if (!dm && !this.channelExists(channel)) return failure('channel_not_found')
    const content = contentOf(args)
    const rejection = this.rejectContent(content)
    if (rejection !== undefined) return rejection
    const message = this.store.post({
      channel,
      user: FAKE_WORKSPACE.botUserId,
      botId: FAKE_WORKSPACE.botId,
      threadTs: args.thread_ts,
      replyBroadcast: args.reply_broadcast,
      ...content,
    })
    return { ok: true, channel: message.channel, ts: message.ts, message: messageJson(message) }
  }

  private update(raw: Args): WebApiAnswer {
    const parsed = updateArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    const args = parsed.data
    if (!this.channelExists(args.channel)) return failure('channel_not_found')
    const existing = this.store.message(args.channel, args.ts)
    if (existing === undefined || existing.deleted) return failure('message_not_found')
    const content = contentOf(args)
    const rejection = this.rejectContent({ ...existing, ...content })
    if (rejection !== undefined) return rejection
    const message = this.store.update(args.channel, args.ts, content)
    if (message === undefined) return failure('message_not_found')
    return { ok: true, channel: message.channel, ts: message.ts, text: message.text ?? '', message: messageJson(message) }
  }

  private deleteMessage(raw: Args): WebApiAnswer {
    const parsed = deleteArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    if (!this.channelExists(parsed.data.channel)) return failure('channel_not_found')
    const message = this.store.delete(parsed.data.channel, parsed.data.ts)
    if (message === undefined) return failure('message_not_found')
    return { ok: true, channel: message.channel, ts: message.ts }
  }

  private postEphemeral(raw: Args): WebApiAnswer {
    const parsed = postEphemeralArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    const args = parsed.data
    if (!this.channelExists(args.channel)) return failure('channel_not_found')
    if (!this.userExists(args.user)) return failure('user_not_found')
    const content = contentOf(args)
    const rejection = this.rejectContent(content)
    if (rejection !== undefined) return rejection
    const ephemeral = this.store.postEphemeral({ channel: args.channel, user: args.user, threadTs: args.thread_ts, ...content })
    return { ok: true, message_ts: ephemeral.messageTs }
  }

  private getPermalink(raw: Args): WebApiAnswer {
    const parsed = permalinkArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    if (!this.channelExists(parsed.data.channel)) return failure('channel_not_found')
    const message = this.store.message(parsed.data.channel, parsed.data.message_ts)
    if (message === undefined || message.deleted) return failure('message_not_found')
    return { ok: true, channel: message.channel, permalink: this.permalink(message) }
  }

  private conversationInfo(raw: Args): WebApiAnswer {
    const parsed = channelArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    const channel = this.describeChannel(parsed.data.channel)
    if (channel === undefined) return failure('channel_not_found')
    return { ok: true, channel: this.channelJson(channel) }
  }

  private channelJson(channel: FakeChannel): Record<string, unknown> {
    return {
      id: channel.id,
      name: channel.name ?? channel.id.toLowerCase(),
      is_channel: !channel.isPrivate,
      is_group: channel.isPrivate ?? false,
      is_im: channel.id.startsWith('D'),
      is_mpim: false,
      is_private: channel.isPrivate ?? false,
      is_archived: false,
      is_general: false,
      is_member: true,
      is_shared: false,
      context_team_id: FAKE_WORKSPACE.teamId,
      created: 1_600_000_000,
    }
  }

  /** missing_scope with Slack's `needed` and `provided`, when the method needs a scope revoked by the test. */
  private missingScope(method: string, args: Args): WebApiAnswer | undefined {
    let needed = METHOD_SCOPES[method]
    if (needed === undefined) return undefined
    const privateChannel = typeof args.channel === 'string' && this.describeChannel(args.channel)?.isPrivate
    if (needed === 'channels:manage' && (flag.parse(args.is_private) || privateChannel)) needed = 'groups:write'
    if (!this.revokedScopes.has(needed)) return undefined
    const provided = ['chat:write', 'chat:write.public', 'commands', 'app_mentions:read', ...Object.values(METHOD_SCOPES), 'groups:write']
    return failure('missing_scope', { needed, provided: [...new Set(provided)].filter((scope) => !this.revokedScopes.has(scope)).join(',') })
  }

  private allChannels(): FakeChannel[] {
    return [...(this.channels?.values() ?? []), ...this.addedChannels.values()]
  }

  private conversationHistory(raw: Args): WebApiAnswer {
    const parsed = historyArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    if (!this.channelExists(parsed.data.channel)) return failure('channel_not_found')
    const { latest, oldest, inclusive } = parsed.data
    // Slack's bounds: exclusive unless `inclusive`, compared as timestamps.
    const within = (ts: string) =>
      (latest === undefined || Number(ts) < Number(latest) || (inclusive === true && ts === latest)) &&
      (oldest === undefined || Number(ts) > Number(oldest) || (inclusive === true && ts === oldest))
    const visible = this.store
      .messagesIn(parsed.data.channel)
      .filter((message) => (message.threadTs === undefined || message.replyBroadcast) && within(message.ts))
      .reverse()
      .slice(0, parsed.data.limit ?? 100)
    return { ok: true, messages: visible.map(messageJson), has_more: false }
  }

  private conversationReplies(raw: Args): WebApiAnswer {
    const parsed = repliesArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    if (!this.channelExists(parsed.data.channel)) return failure('channel_not_found')
    // As Slack does, the ts of a reply stands for its whole thread.
    const asked = this.store.message(parsed.data.channel, parsed.data.ts)
    const thread = this.store.thread(parsed.data.channel, asked?.threadTs ?? parsed.data.ts)
    if (thread.length === 0) return failure('thread_not_found')
    return { ok: true, messages: thread.map(messageJson), has_more: false }
  }

  private createConversation(raw: Args): WebApiAnswer {
    const parsed = createArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    const { name, is_private: isPrivate } = parsed.data
    if (name === undefined || name.length === 0) return failure('invalid_name_required')
    if (name.length > MAX_CHANNEL_NAME) return failure('invalid_name_maxlength')
    if (!/^[a-z0-9_-]+$/.test(name)) return failure('invalid_name_specials')
    if (!/[a-z0-9]/.test(name)) return failure('invalid_name_punctuation')
    if (this.allChannels().some((channel) => channel.name === name)) return failure('name_taken')
    this.createdChannels += 1
    const channel: FakeChannel = { id: `C0NEW${String(this.createdChannels).padStart(6, '0')}`, name, isPrivate }
    this.addedChannels.set(channel.id, channel)
    this.members.set(channel.id, new Set([FAKE_WORKSPACE.botUserId]))
    return { ok: true, channel: { ...this.channelJson(channel), creator: FAKE_WORKSPACE.botUserId, name_normalized: name, previous_names: [] } }
  }

  private inviteToConversation(raw: Args): WebApiAnswer {
    const parsed = inviteArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    const channel = this.describeChannel(parsed.data.channel)
    if (channel === undefined) return failure('channel_not_found')
    const users = (parsed.data.users ?? '')
      .split(',')
      .map((user) => user.trim())
      .filter(Boolean)
    if (users.length === 0) return failure('no_user')
    const members = this.members.get(channel.id) ?? new Set<string>()
    const errors = users.flatMap((user) => {
      const error =
        user === FAKE_WORKSPACE.botUserId
          ? 'cant_invite_self'
          : !this.userExists(user)
            ? 'user_not_found'
            : members.has(user)
              ? 'already_in_channel'
              : undefined
      return error === undefined ? [] : [{ user, ok: false, error }]
    })
    // Without `force`, one user Slack cannot invite fails the whole call and invites nobody.
    if (errors.length > 0) return failure(errors[0]!.error, { errors })
    for (const user of users) members.add(user)
    this.members.set(channel.id, members)
    return { ok: true, channel: this.channelJson(channel) }
  }

  private addPin(raw: Args): WebApiAnswer {
    const parsed = pinArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    const { channel, timestamp } = parsed.data
    if (!this.channelExists(channel)) return failure('channel_not_found')
    if (timestamp === undefined) return failure('no_item_specified')
    const message = this.store.message(channel, timestamp)
    if (message === undefined || message.deleted) return failure('message_not_found')
    const pinned = this.pins.get(channel) ?? []
    if (pinned.includes(timestamp)) return failure('already_pinned')
    this.pins.set(channel, [...pinned, timestamp])
    return { ok: true }
  }

  private userInfo(raw: Args): WebApiAnswer {
    const parsed = userArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    const id = parsed.data.user
    const known = this.directory.users?.find((user) => user.id === id)
    if (known === undefined && this.directory.users !== undefined && id !== FAKE_WORKSPACE.botUserId) {
      return failure('user_not_found')
    }
    const isBot = id === FAKE_WORKSPACE.botUserId || (known?.isBot ?? false)
    const name = known?.name ?? (isBot ? FAKE_WORKSPACE.botName : id.toLowerCase())
    const realName = known?.realName ?? name
    return {
      ok: true,
      user: {
        id,
        team_id: FAKE_WORKSPACE.teamId,
        name,
        real_name: realName,
        is_bot: isBot,
        deleted: false,
        tz: 'Etc/UTC',
        profile: { real_name: realName, display_name: name },
      },
    }
  }

  private usergroupUsers(raw: Args): WebApiAnswer {
    const parsed = usergroupArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    const members = this.directory.usergroups?.[parsed.data.usergroup]
    if (members === undefined) return failure('no_such_subteam')
    return { ok: true, users: [...members] }
  }

  private publishView(raw: Args): WebApiAnswer {
    const parsed = publishArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    const { user_id: userId, view } = parsed.data
    if (view.type !== 'home') return failure('invalid_arguments', { response_metadata: { messages: ['[ERROR] view.type must be "home"'] } })
    const rejection = this.rejectBlocks(view.blocks, 'home')
    if (rejection !== undefined) return rejection
    this.issuedViews += 1
    const viewId = `V${String(this.issuedViews).padStart(9, '0')}`
    this.viewPublishes.push({ userId, viewId, view, at: new Date() })
    return { ok: true, view: { id: viewId, team_id: FAKE_WORKSPACE.teamId, app_id: FAKE_WORKSPACE.appId, ...view, hash: `${Date.now()}.${viewId}` } }
  }

  private openView(raw: Args): WebApiAnswer {
    const parsed = openArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    const { trigger_id: triggerId, view } = parsed.data
    // A trigger can open one view, once (Slack also expires it after 3 s).
    if (this.viewOpens.some((v) => v.triggerId === triggerId)) return failure('expired_trigger_id')
    if (view.type !== 'modal') return failure('invalid_arguments', { response_metadata: { messages: ['[ERROR] view.type must be "modal"'] } })
    const title = view.title as { text?: unknown } | undefined
    if (typeof title?.text !== 'string' || title.text.length === 0 || title.text.length > 24) {
      return failure('invalid_arguments', { response_metadata: { messages: ['[ERROR] view.title must be plain text of 1 to 24 characters'] } })
    }
    const rejection = this.rejectBlocks(view.blocks, 'modal')
    if (rejection !== undefined) return rejection
    this.issuedViews += 1
    const viewId = `V${String(this.issuedViews).padStart(9, '0')}`
    this.viewOpens.push({ triggerId, viewId, view, at: new Date() })
    return { ok: true, view: { id: viewId, team_id: FAKE_WORKSPACE.teamId, app_id: FAKE_WORKSPACE.appId, ...view, hash: `${Date.now()}.${viewId}` } }
  }

  private rejectBlocks(blocks: unknown, surface: BlockSurface): WebApiAnswer | undefined {
    if (!Array.isArray(blocks)) return failure('invalid_blocks_format')
    const errors = findBlockKitViolations(blocks, surface)
    if (errors.length === 0) return undefined
    return failure('invalid_blocks', { errors, response_metadata: { messages: errors.map((error) => `[ERROR] ${error}`) } })
  }

  private describeChannel(id: string): FakeChannel | undefined {
    const added = this.addedChannels.get(id)
    if (added !== undefined) return added
    if (this.channels === undefined) return { id }
    return this.channels.get(id)
  }

  /** The bytes POSTed to an upload URL; false when no such upload was asked for. */
  receiveUpload(fileId: string, bytes: Buffer): boolean {
    const upload = this.uploads.get(fileId)
    if (upload === undefined) return false
    upload.bytes = bytes
    return true
  }

  private getUploadUrlExternal(raw: Args): WebApiAnswer {
    const parsed = uploadUrlArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    const fileId = `F${String(this.uploads.size + 1).padStart(8, '0')}${FAKE_WORKSPACE.teamId.slice(1, 3)}`
    this.uploads.set(fileId, { name: parsed.data.filename, bytes: null })
    return { ok: true, upload_url: `${this.uploadBaseUrl}/upload/v1/${fileId}`, file_id: fileId }
  }

  /** Shares uploaded files: in `channel_id` (a message with the files and the comment), or privately when no channel is given. */
  private completeUploadExternal(raw: Args): WebApiAnswer {
    const parsed = completeUploadArgs.safeParse(raw)
    if (!parsed.success) return invalidArguments(parsed.error)
    const args = parsed.data
    const files: SharedFile[] = []
    for (const f of args.files) {
      const upload = this.uploads.get(f.id)
      if (upload === undefined || upload.bytes === null) return failure('file_not_found')
      files.push({
        id: f.id,
        name: upload.name,
        title: f.title ?? upload.name,
        mimetype: mimetypeOf(upload.name),
        size: upload.bytes.length,
        bytes: upload.bytes,
      })
    }
    if (args.channel_id !== undefined) {
      if (!this.channelExists(args.channel_id)) return failure('channel_not_found')
      const message = this.store.post({
        channel: args.channel_id,
        user: FAKE_WORKSPACE.botUserId,
        botId: FAKE_WORKSPACE.botId,
        threadTs: args.thread_ts,
        text: args.initial_comment ?? '',
      })
      message.files = files
    }
    for (const f of files) this.uploads.delete(f.id)
    return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) }
  }

  private userExists(id: string): boolean {
    return this.directory.users === undefined || this.directory.users.some((user) => user.id === id)
  }
}

function mimetypeOf(name: string): string {
  const ext = name.toLowerCase().split('.').pop()
  return ext === 'png'
    ? 'image/png'
    : ext === 'svg'
      ? 'image/svg+xml'
      : ext === 'json'
        ? 'application/json'
        : ext === 'md'
          ? 'text/markdown'
          : 'application/octet-stream'
}

export function failure(error: string, extra: Record<string, unknown> = {}): WebApiAnswer {
  return { ok: false, error, ...extra }
}

function invalidArguments(error: z.ZodError): WebApiAnswer {
  const messages = error.issues.map((issue) => `[ERROR] ${issue.path.join('.') || 'args'}: ${issue.message}`)
  // Slack names the first missing thing when it is the channel.
  if (error.issues.some((issue) => issue.path[0] === 'channel')) return failure('channel_not_found')
  return failure('invalid_arguments', { response_metadata: { messages } })
}

function contentOf(args: { text?: string; blocks?: unknown; attachments?: Record<string, unknown>[] }): MessageContent {
  const content: MessageContent = {}
  if (args.text !== undefined) content.text = args.text
  if (args.blocks !== undefined) content.blocks = args.blocks as SlackBlock[]
  if (args.attachments !== undefined) content.attachments = args.attachments
  return content
}

/** A stored message in the shape Slack's API returns it. */
export function messageJson(message: RecordedMessage): Record<string, unknown> {
  const lastEdit = message.edits.at(-1)
  return {
    type: 'message',
    ...(message.botId === undefined ? {} : { subtype: 'bot_message', bot_id: message.botId }),
    user: message.user,
    team: FAKE_WORKSPACE.teamId,
    ts: message.ts,
    text: message.text ?? '',
    ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
    ...(message.attachments === undefined ? {} : { attachments: message.attachments }),
    ...(message.threadTs === undefined ? {} : { thread_ts: message.threadTs }),
    ...(lastEdit === undefined ? {} : { edited: { user: message.user, ts: `${Math.floor(lastEdit.at.getTime() / 1000)}.000000` } }),
  }
}
