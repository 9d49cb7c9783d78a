import { describe, expect, it } from 'vitest'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import type { AllMiddlewareArgs, RespondArguments } from '@slack/bolt'
import { answerFailures, askerOf, failureReason, type ListenerArgs } from '../../../../src/slack/listeners/answer-failures'

/** A pino logger whose lines are kept, to see what an operator would read. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)))
      done()
    },
  })
  return { logger: pino({ level: 'info' }, stream), lines }
}

const commandBody = { command: '/sre', text: 'incidents', user_id: 'U1', channel_id: 'C1' }

/** The parts of a slash command's listener arguments the wrapper touches, recording ack and respond. */
function commandArgs(respondFails = false) {
  const acks: unknown[] = []
  const replies: RespondArguments[] = []
  const args = {
    body: commandBody,
    ack: async (response?: unknown) => {
      acks.push(response)
    },
    respond: async (reply: string | RespondArguments) => {
      if (respondFails) throw new Error('response_url expired')
      replies.push(typeof reply === 'string' ? { text: reply } : reply)
    },
  } as unknown as ListenerArgs & AllMiddlewareArgs
  return { args, acks, replies }
}

describe('answerFailures', () => {
  it('acks, then tells the user ephemerally what failed and what to do, and logs who and where', async () => {
    const { logger, lines } = capturingLogger()
    const { args, acks, replies } = commandArgs()
    const listener = answerFailures({ logger }, 'list the open incidents', async () => {
      throw new Error('Failed query: select * from incidents', { cause: new Error('connect ECONNREFUSED <127.0.0.1:5432>') })
    })
    await listener(args)
    expect(acks).toHaveLength(1)
    expect(replies).toEqual([
      {
        response_type: 'ephemeral',
        replace_original: false,
        text:
          ':warning: I could not list the open incidents (connect ECONNREFUSED &lt;127.0.0.1:5432&gt;). ' +
          "Please try again in a minute; if it keeps failing, the bot's log has the details.",
      },
    ])
    const logged = { level: 50, msg: 'could not list the open incidents', surface: 'command /sre', user: 'U1', channel: 'C1' }
    expect(lines).toEqual([expect.objectContaining(logged)])
  })

  it('does not ack a second time when the listener acked before failing', async () => {
    const { logger } = capturingLogger()
    const { args, acks, replies } = commandArgs()
    await answerFailures({ logger }, 'start the analysis', async ({ ack }) => {
      await ack!()
      throw new Error('Connection is closed.')
    })(args)
    expect(acks).toHaveLength(1)
    expect(replies[0]?.text).toMatch(/^:warning: I could not start the analysis \(Connection is closed\.\)/)
  })

  it('acks for a listener that finished without acking, and says nothing more', async () => {
    const { logger, lines } = capturingLogger()
    const { args, acks, replies } = commandArgs()
    await answerFailures({ logger }, 'do nothing', async () => {})(args)
    expect(acks).toHaveLength(1)
    expect(replies).toEqual([])
    expect(lines).toEqual([])
  })

  it('logs, without throwing, when the user cannot be told either', async () => {
    const { logger, lines } = capturingLogger()
    const { args } = commandArgs(true)
    await answerFailures({ logger }, 'list the open incidents', async () => {
      throw new Error('boom')
    })(args)
    expect(lines.map((l) => l.msg)).toEqual(['could not list the open incidents', 'could not tell the user either'])
  })

  it('passes `what` the listener arguments, so a command can say which subcommand failed', async () => {
    const { logger } = capturingLogger()
    const { args, replies } = commandArgs()
    await answerFailures(
      { logger },
      (a) => `answer ${(a.body as typeof commandBody).text}`,
      async () => {
        throw new Error('boom')
      },
    )(args)
    expect(replies[0]?.text).toMatch(/^:warning: I could not answer incidents \(boom\)/)
  })
})

describe('askerOf', () => {
  it('reads who asked and where from a command, a click and an event', () => {
    expect(askerOf(commandBody)).toEqual({ surface: 'command /sre', user: 'U1', channel: 'C1' })
    const click = { type: 'block_actions', user: { id: 'U2' }, channel: { id: 'C2' }, actions: [{ action_id: 'approval_approve' }] }
    expect(askerOf(click)).toEqual({ surface: 'action approval_approve', user: 'U2', channel: 'C2' })
    const mention = { event: { type: 'app_mention', user: 'U3', channel: 'C3', ts: '1.2' } }
    expect(askerOf(mention)).toEqual({ surface: 'event app_mention', user: 'U3', channel: 'C3', threadTs: '1.2' })
  })

  it('keeps what it can read from an odd payload', () => {
    const userChange = { event: { type: 'user_change', user: { id: 'U4' } } }
    expect(askerOf(userChange)).toEqual({ surface: 'event user_change', user: undefined, channel: undefined, threadTs: undefined })
    expect(askerOf('not a payload')).toEqual({ surface: 'unknown' })
  })
})

describe('failureReason', () => {
  it('keeps the first line, escaped for mrkdwn, and cuts a long one', () => {
    expect(failureReason(new Error('bad <@U1> & co\nstack'))).toBe('bad &lt;@U1&gt; &amp; co')
    expect(failureReason(new Error('x'.repeat(500)))).toHaveLength(201)
    expect(failureReason('thrown string')).toBe('thrown string')
  })
})
