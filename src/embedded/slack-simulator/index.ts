export { findBlockKitViolations, type BlockSurface } from './block-kit-validator'
export { renderAttachmentsAsText, renderBlocksAsText, renderMrkdwnAsText } from './block-kit-text-renderer'
export {
  FakeSlackApi,
  type ChannelRateLimit,
  type FakeSlackApiOptions,
  type InjectedFailure,
  type RecordedCall,
  type RecordedResponse,
  type ResponseEffect,
  type ResponseUrlOrigin,
  type WaitOptions,
} from './fake-slack-api'
export type { FakeChannel, FakeUser, FakeWorkspaceDirectory, RecordedViewOpen, RecordedViewPublish, WebApiAnswer } from './fake-web-api-methods'
export { FAKE_WORKSPACE } from './fake-workspace'
export type { RecordedSocketAck, SocketAck, SocketEnvelope, SocketEnvelopeOptions, SocketEnvelopeType } from './socket-mode-server'
export {
  buildAppMentionEvent,
  buildBlockActionsPayload,
  buildEventEnvelope,
  buildReactionAddedEvent,
  buildSlashCommand,
  buildViewSubmissionPayload,
  buildViewBlockActionsPayload,
  type AppMentionEvent,
  type BlockActionsOptions,
  type BlockActionsPayload,
  type ButtonAction,
  type EventEnvelope,
  type PayloadBuildOptions,
  type ReactionAddedEvent,
  type SlackEventPayload,
  type SlashCommandPayload,
  type StaticSelectAction,
  type ViewSubmissionOptions,
  type ViewSubmissionPayload,
  type ViewStateValue,
  type ViewBlockActionsPayload,
} from './payload-builders'
export type { MessageContent, MessageVersion, PostedVia, RecordedEphemeral, RecordedMessage, SlackBlock } from './slack-message-store'
export {
  signSlackRequest,
  SlackRequestSender,
  type SentSlackRequest,
  type SigningOptions,
  type SlackHttpResponse,
  type SignedSlackRequest,
  type SlackRequestSenderOptions,
} from './slack-request-sender'
export { renderTranscript, type TranscriptOptions } from './transcript'
export { viewInput, viewState } from './view-state'
