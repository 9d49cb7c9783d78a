import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt'
import { digestJobId, recentDigestPeriod } from '../../../core/digest/digest-period'
import { truncateText } from '../../../core/truncate-text'
import { escapeMrkdwn } from '../../blocks/block-kit'
import { failureReason } from '../answer-failures'
import type { ListenerDeps } from '../listener-deps'

type Args = Pick<SlackCommandMiddlewareArgs & AllMiddlewareArgs, 'command' | 'ack'>

const SPANS: Record<string, number> = { '7d': 7, '30d': 30 }

/**
 * `/sre digest [7d|30d]`: queues the trend digest of the last 7 (or 30) days, today included, to be posted in the channel
 * it was typed in; the same command twice in a minute posts once.
 */
export async function runDigestCommand(deps: ListenerDeps, { command, ack }: Args, rest: string[]): Promise<void> {
  const span = (rest[0] ?? '7d').toLowerCase()
  const days = SPANS[span]
  if (days === undefined || rest.length > 1) {
    const given = escapeMrkdwn(truncateText(rest.join(' '), 40))
    await ack({ response_type: 'ephemeral', text: `Usage: \`/sre digest [7d|30d]\` — the last 7 or 30 days; \`${given}\` is neither.` })
    return
  }
  const period = recentDigestPeriod(deps.now(), days, deps.config.DIGEST_TIMEZONE ?? 'UTC')
  const channel = command.channel_id
  const queued = await deps.queue
    .enqueue(
      'digest.post',
      { since: period.since.toISOString(), until: period.until.toISOString(), channel, requestedBy: command.user_id },
      { jobId: digestJobId(period.since, period.until, channel) },
    )
    .then(
      () => null,
      (err: unknown) => err,
    )
  if (queued !== null) {
    deps.logger.error({ err: queued, user: command.user_id, channel }, 'could not queue /sre digest')
    await ack({ response_type: 'ephemeral', text: `:warning: I could not queue the digest (${failureReason(queued)}). Please try again in a minute.` })
    return
  }
  await ack({
    response_type: 'ephemeral',
    text: `:bar_chart: Computing the digest of the last ${days} days; it will be posted in this channel with its charts.`,
  })
}
