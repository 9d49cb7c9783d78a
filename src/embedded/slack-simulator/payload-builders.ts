import { randomBytes } from 'node:crypto'
import type { FakeSlackApi } from './fake-slack-api'
import { messageJson } from './fake-web-api-methods'
import { FAKE_WORKSPACE } from './fake-workspace'
import { compareSlackTs, type RecordedMessage, type SlackBlock } from './slack-message-store'

/** The form fields Slack POSTs for a slash command (all strings, as they arrive form-encoded). */
export interface SlashCommandPayload {
  token: string
  team_id: string
  team_domain: string
  enterprise_id?: string
  enterprise_name?: string
  channel_id: string
  channel_name: string
  user_id: string
  user_name: string
  command: string
  text: string
  api_app_id: string
  is_enterprise_install: string
  response_url: string
  trigger_id: string
}

export interface ButtonAction {
  type: 'button'
  action_id: string
  block_id: string
  text: { type: 'plain_text'; text: string; emoji: boolean }
  value?: string
  style?: string
  action_ts: string
}

/** A choice in a static select menu of a message, as Slack sends it. */
export interface StaticSelectAction {
  type: 'static_select'
  action_id: string
  block_id: string
  selected_option: { text: { type: 'plain_text'; text: string; emoji: boolean }; value: string }
  action_ts: string
}

/** The fields every interaction payload from this workspace carries: who, which app and team. */
export interface InteractionEnvelope {
  token: string
  api_app_id: string
  team: { id: string; domain: string }
  enterprise: null
  is_enterprise_install: boolean
  user: { id: string; username: string; name: string; team_id: string }
}

export interface BlockActionsPayload extends InteractionEnvelope {
  type: 'block_actions'
  channel: { id: string; name: string }
  container: { type: 'message'; message_ts: string; channel_id: string; is_ephemeral: boolean; thread_ts?: string }
  message: Record<string, unknown> & { ts: string; thread_ts?: string; blocks?: SlackBlock[] }
  state: { values: Record<string, unknown> }
  actions: Array<ButtonAction | StaticSelectAction>
  response_url: string
  trigger_id: string
}

export interface BlockActionsOptions {
  actionId: string
  /** Defaults to the clicked button's value when the message is found in the fake. */
  value?: string
  blockId?: string
  /** The button label; defaults to the button's text when found. */
  text?: string
  userId?: string
  userName?: string
  /** Defaults to the channel of the message holding the button, else the simulated #incidents. */
  channelId?: string
  channelName?: string
  /** Defaults to the latest message in the fake that has a button with `actionId`. */
  messageTs?: string
  threadTs?: string
  /** Overrides the `message` object sent (otherwise taken from the fake or built minimal). */
  message?: BlockActionsPayload['message']
  responseUrl?: string
  triggerId?: string
  /** Sends a choice in the static select `actionId` instead of a button click. */
  selectedOption?: { text: string; value: string }
}

/** One input's value in view.state, as Slack sends it (`value` for text, `selected_option` for selects and radios). */
export type ViewStateValue =
  | { type: 'plain_text_input'; value: string | null }
  | { type: 'radio_buttons' | 'static_select'; selected_option: { text: { type: 'plain_text'; text: string }; value: string } | null }
  | { type: 'users_select'; selected_user: string | null }
  | { type: 'datepicker'; selected_date: string | null }

export interface ViewSubmissionPayload extends InteractionEnvelope {
  type: 'view_submission'
  view: Record<string, unknown> & {
    id: string
    callback_id: string
    private_metadata: string
    state: { values: Record<string, Record<string, ViewStateValue>> }
  }
  response_urls: []
  trigger_id: string
}

export interface ViewSubmissionOptions {
  /** The view as the app opened it (views.open's `view` plus the id the fake gave it). */
  view: Record<string, unknown> & { id: string }
  /** block_id → action_id → value, as the user left the inputs. */
  values: Record<string, Record<string, ViewStateValue>>
  userId?: string
}

export type SlackEventPayload = { type: string } & Record<string, unknown>

export interface EventEnvelope<E extends SlackEventPayload = SlackEventPayload> {
  token: string
  team_id: string
  api_app_id: string
  event: E
  type: 'event_callback'
  event_id: string
  event_time: number
  authorizations: Array<{ enterprise_id: null; team_id: string; user_id: string; is_bot: boolean; is_enterprise_install: boolean }>
  is_ext_shared_channel: boolean
  event_context: string
}

export interface AppMentionEvent extends SlackEventPayload {
  type: 'app_mention'
  user: string
  text: string
  ts: string
  channel: string
  event_ts: string
  thread_ts?: string
}

export interface ReactionAddedEvent extends SlackEventPayload {
  type: 'reaction_added'
  user: string
  reaction: string
  item_user?: string
  item: { type: 'message'; channel: string; ts: string }
  event_ts: string
}

export interface PayloadBuildOptions {
  /** When given, response_url points at this fake (which then applies what is posted there) and clicked messages are looked up in it. */
  fakeSlack?: FakeSlackApi
}

const DEFAULT_MESSAGE_TS = '1700000000.000100'

export function buildSlashCommand(overrides: Partial<SlashCommandPayload> = {}, { fakeSlack }: PayloadBuildOptions = {}): SlashCommandPayload {
  const channelId = overrides.channel_id ?? FAKE_WORKSPACE.channelId
  const userId = overrides.user_id ?? FAKE_WORKSPACE.userId
  return {
    token: FAKE_WORKSPACE.verificationToken,
    team_id: FAKE_WORKSPACE.teamId,
    team_domain: FAKE_WORKSPACE.teamDomain,
    channel_id: channelId,
    channel_name: channelId === FAKE_WORKSPACE.channelId ? FAKE_WORKSPACE.channelName : channelId.toLowerCase(),
    user_id: userId,
    user_name: userId === FAKE_WORKSPACE.userId ? FAKE_WORKSPACE.userName : userId.toLowerCase(),
    command: '/sre',
    text: '',
    api_app_id: FAKE_WORKSPACE.appId,
    is_enterprise_install: 'false',
    response_url: fakeSlack?.createResponseUrl({ channel: channelId, user: userId }) ?? placeholderResponseUrl(),
    trigger_id: newTriggerId(),
    ...overrides,
  }
}

export function buildBlockActionsPayload(options: BlockActionsOptions, { fakeSlack }: PayloadBuildOptions = {}): BlockActionsPayload {
  const clicked = fakeSlack === undefined ? undefined : findClickedMessage(fakeSlack, options)
  const button = clicked === undefined ? undefined : findButton(clicked.blocks ?? [], options.actionId)
  const channelId = options.channelId ?? clicked?.channel ?? FAKE_WORKSPACE.channelId
  const userId = options.userId ?? FAKE_WORKSPACE.userId
  const userName = options.userName ?? (userId === FAKE_WORKSPACE.userId ? FAKE_WORKSPACE.userName : userId.toLowerCase())
  const messageTs = options.messageTs ?? clicked?.ts ?? DEFAULT_MESSAGE_TS
  const threadTs = options.threadTs ?? clicked?.threadTs
  const message = options.message ?? (clicked === undefined ? minimalMessage(messageTs, threadTs) : messageJson(clicked))
  const label = options.text ?? plainTextOf(button?.element.text) ?? options.actionId
  const value = options.value ?? (typeof button?.element.value === 'string' ? button.element.value : undefined)
  const blockId = options.blockId ?? button?.blockId ?? 'actions'
  let action: ButtonAction | StaticSelectAction
  if (options.selectedOption) {
    const { text, value: chosen } = options.selectedOption
    action = {
      type: 'static_select',
      action_id: options.actionId,
      block_id: blockId,
      selected_option: { text: { type: 'plain_text', text, emoji: true }, value: chosen },
      action_ts: actionTs(),
    }
  } else {
    action = buttonAction(options.actionId, blockId, label, value, typeof button?.element.style === 'string' ? button.element.style : undefined)
  }
  const container: BlockActionsPayload['container'] = { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false }
  if (threadTs !== undefined) container.thread_ts = threadTs
  const responseUrl =
    options.responseUrl ??
    fakeSlack?.createResponseUrl({ channel: channelId, user: userId, messageTs, ...(threadTs === undefined ? {} : { threadTs }) }) ??
    placeholderResponseUrl()
  return {
    type: 'block_actions',
    ...interactionEnvelope(userId, userName),
    channel: { id: channelId, name: options.channelName ?? (channelId === FAKE_WORKSPACE.channelId ? FAKE_WORKSPACE.channelName : channelId.toLowerCase()) },
    container,
    message: message as BlockActionsPayload['message'],
    state: { values: {} },
    actions: [action],
    response_url: responseUrl,
    trigger_id: options.triggerId ?? newTriggerId(),
  }
}

/** A click on a button of a published view (the App Home tab), as Slack sends it: a `view` container, no channel, no message, no response_url. */
export interface ViewBlockActionsPayload extends InteractionEnvelope {
  type: 'block_actions'
  container: { type: 'view'; view_id: string }
  view: Record<string, unknown> & { id: string }
  actions: ButtonAction[]
  trigger_id: string
}

/** Clicks the button `actionId` of `view` (as published, with the id the fake gave it); its value and label are taken from the view. */
export function buildViewBlockActionsPayload(options: {
  view: Record<string, unknown> & { id: string }
  actionId: string
  userId: string
}): ViewBlockActionsPayload {
  const blocks = (Array.isArray(options.view.blocks) ? options.view.blocks : []) as SlackBlock[]
  const button = findButton(blocks, options.actionId)
  if (!button) throw new Error(`no button ${options.actionId} in view ${options.view.id}`)
  const label = plainTextOf(button.element.text) ?? options.actionId
  const clicked = buttonAction(options.actionId, button.blockId ?? 'home', label, typeof button.element.value === 'string' ? button.element.value : undefined)
  return {
    type: 'block_actions',
    ...interactionEnvelope(options.userId, options.userId.toLowerCase()),
    container: { type: 'view', view_id: options.view.id },
    view: options.view,
    actions: [clicked],
    trigger_id: newTriggerId(),
  }
}

/** A click on a button as Slack reports it; `value` and `style` only when the button has them. */
function buttonAction(actionId: string, blockId: string, label: string, value: string | undefined, style?: string): ButtonAction {
  const action: ButtonAction = {
    type: 'button',
    action_id: actionId,
    block_id: blockId,
    text: { type: 'plain_text', text: label, emoji: true },
    action_ts: actionTs(),
  }
  if (value !== undefined) action.value = value
  if (style !== undefined) action.style = style
  return action
}

function interactionEnvelope(userId: string, userName: string): InteractionEnvelope {
  return {
    token: FAKE_WORKSPACE.verificationToken,
    api_app_id: FAKE_WORKSPACE.appId,
    team: { id: FAKE_WORKSPACE.teamId, domain: FAKE_WORKSPACE.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    user: { id: userId, username: userName, name: userName, team_id: FAKE_WORKSPACE.teamId },
  }
}

export function buildViewSubmissionPayload(options: ViewSubmissionOptions): ViewSubmissionPayload {
  const userId = options.userId ?? FAKE_WORKSPACE.userId
  const userName = userId === FAKE_WORKSPACE.userId ? FAKE_WORKSPACE.userName : userId.toLowerCase()
  const { view } = options
  return {
    type: 'view_submission',
    ...interactionEnvelope(userId, userName),
    view: {
      ...view,
      team_id: FAKE_WORKSPACE.teamId,
      app_id: FAKE_WORKSPACE.appId,
      callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
      private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
      state: { values: options.values },
    },
    response_urls: [],
    trigger_id: newTriggerId(),
  }
}

export function buildEventEnvelope<E extends SlackEventPayload>(event: E, overrides: Partial<EventEnvelope<E>> = {}): EventEnvelope<E> {
  return {
    token: FAKE_WORKSPACE.verificationToken,
    team_id: FAKE_WORKSPACE.teamId,
    api_app_id: FAKE_WORKSPACE.appId,
    event,
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: FAKE_WORKSPACE.teamId, user_id: FAKE_WORKSPACE.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(12).toString('base64url')}`,
    ...overrides,
  }
}

export function buildAppMentionEvent(overrides: Partial<AppMentionEvent> = {}): AppMentionEvent {
  const ts = overrides.ts ?? actionTs()
  return {
    type: 'app_mention',
    user: FAKE_WORKSPACE.userId,
    text: `<@${FAKE_WORKSPACE.botUserId}> status`,
    ts,
    channel: FAKE_WORKSPACE.channelId,
    event_ts: ts,
    ...overrides,
  }
}

/** Someone reacted to a message: Slack says which message (channel and ts) but not its thread. */
export function buildReactionAddedEvent(options: { channel: string; ts: string; reaction?: string; user?: string; itemUser?: string }): ReactionAddedEvent {
  const event: ReactionAddedEvent = {
    type: 'reaction_added',
    user: options.user ?? FAKE_WORKSPACE.userId,
    reaction: options.reaction ?? 'pushpin',
    item: { type: 'message', channel: options.channel, ts: options.ts },
    event_ts: actionTs(),
  }
  if (options.itemUser !== undefined) event.item_user = options.itemUser
  return event
}

function findClickedMessage(fakeSlack: FakeSlackApi, options: BlockActionsOptions): RecordedMessage | undefined {
  const channels = options.channelId === undefined ? fakeSlack.channels() : [options.channelId]
  if (options.messageTs !== undefined) {
    for (const channel of channels) {
      const message = fakeSlack.message(channel, options.messageTs)
      if (message !== undefined) return message
    }
    return undefined
  }
  const candidates = channels
    .flatMap((channel) => fakeSlack.messagesIn(channel))
    .filter((message) => findButton(message.blocks ?? [], options.actionId) !== undefined)
  return candidates.sort((a, b) => compareSlackTs(a.ts, b.ts)).at(-1)
}

function findButton(blocks: readonly SlackBlock[], actionId: string): { blockId: string | undefined; element: Record<string, unknown> } | undefined {
  for (const block of blocks) {
    const elements = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory]
    for (const element of elements) {
      if (typeof element === 'object' && element !== null && (element as Record<string, unknown>).action_id === actionId) {
        return { blockId: typeof block.block_id === 'string' ? block.block_id : undefined, element: element as Record<string, unknown> }
      }
    }
  }
  return undefined
}

function minimalMessage(ts: string, threadTs: string | undefined): BlockActionsPayload['message'] {
  const message: BlockActionsPayload['message'] = {
    type: 'message',
    user: FAKE_WORKSPACE.botUserId,
    bot_id: FAKE_WORKSPACE.botId,
    ts,
    text: '',
  }
  if (threadTs !== undefined) message.thread_ts = threadTs
  return message
}

function plainTextOf(text: unknown): string | undefined {
  if (typeof text !== 'object' || text === null) return undefined
  const value = (text as Record<string, unknown>).text
  return typeof value === 'string' ? value : undefined
}

function actionTs(): string {
  const now = Date.now()
  return `${Math.floor(now / 1000)}.${String((now % 1000) * 1000 + Math.floor(Math.random() * 1000)).padStart(6, '0')}`
}

function newTriggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${randomBytes(16).toString('hex')}`
}

// Outside the fake, answers to response_url go nowhere, so point at Slack's real host shape.
function placeholderResponseUrl(): string {
  return `https://hooks.slack.com/actions/${FAKE_WORKSPACE.teamId}/${Date.now()}/${randomBytes(12).toString('hex')}`
}
