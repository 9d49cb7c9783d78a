import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt'
import { CodedError, errorMessage } from '../core/errors'
import type { Logger } from '../logger'
import type { HttpRoute } from '../ingest/alert-routes'
import { registerListeners } from './listeners'
import { refuseReplays } from './replay/refuse-replays'
import { MemorySeenSignatures, type SeenSignatures } from './replay/seen-signatures'
import type { ListenerDeps } from './listeners/listener-deps'

export interface SlackAppOptions {
  botToken: string
  signingSecret: string
  /** Socket Mode when set; otherwise the HTTP receiver on /slack/events. */
  appToken?: string
  slackApiUrl?: string
  port: number
  host?: string
  /** Extra HTTP routes served beside Slack's (the alert webhooks, health). */
  routes: HttpRoute[]
  /** Tests turn retries off so a failing fake answers at once. */
  webClientRetries?: number
  /** Signatures of the requests already served (HTTP mode), shared by the replicas; this process's memory when not given. */
  seenSignatures?: SeenSignatures
}

function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' })
  return {
    debug: (...m) => child.debug(m.map(String).join(' ')),
    info: (...m) => child.info(m.map(String).join(' ')),
    warn: (...m) => child.warn(m.map(String).join(' ')),
    error: (...m) => child.error(m.map(String).join(' ')),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  }
}

const SLACK_EVENTS_PATH = '/slack/events'

export interface SlackApp {
  app: App
  start(): Promise<{ port: number | null }>
  stop(): Promise<void>
}

export function createSlackApp(options: SlackAppOptions, deps: ListenerDeps): SlackApp {
  const clientOptions = {
    slackApiUrl: options.slackApiUrl,
    retryConfig: options.webClientRetries === undefined ? undefined : { retries: options.webClientRetries },
  }
  const logger = boltLogger(deps.logger)
  const routes = [
    ...options.routes,
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.end('ok')
      },
    },
  ]
  let server: Server | null = null
  // Socket Mode requests are not signed (the socket is authenticated instead): only the HTTP receiver is guarded.
  const receiver = options.appToken
    ? null
    : new HTTPReceiver({ signingSecret: options.signingSecret, endpoints: SLACK_EVENTS_PATH, customRoutes: routes, processBeforeResponse: false, logger })
  if (receiver) {
    const seen = options.seenSignatures ?? new MemorySeenSignatures()
    refuseReplays(receiver, { signingSecret: options.signingSecret, endpoints: [SLACK_EVENTS_PATH], seen, logger: deps.logger })
  }
  const app = !receiver
    ? new App({
        token: options.botToken,
        appToken: options.appToken,
        socketMode: true,
        customRoutes: routes,
        // A copy: the SocketModeClient writes 100 retries into the object it gets, by default the App's own clientOptions.
        installerOptions: { port: options.port, clientOptions: { ...clientOptions } },
        clientOptions,
        logger,
        deferInitialization: true,
      })
    : new App({
        token: options.botToken,
        receiver,
        clientOptions,
        logger,
        deferInitialization: true,
      })
  registerListeners(app, deps)
  app.error(async (err) => {
    deps.logger.error({ err: err.original ?? err, code: err.code }, 'unhandled error in a Slack listener')
  })
  return {
    app,
    async start() {
      // Bolt's auth.test, awaited here: a revoked token stops the start with one line instead of an unhandled rejection after "started".
      await app.init().catch((err: unknown) => {
        const slackError = (err as { data?: { error?: unknown } }).data?.error
        throw new CodedError(
          'slack_auth_failed',
          `Slack refused SLACK_BOT_TOKEN on auth.test (${typeof slackError === 'string' ? slackError : errorMessage(err)})`,
        )
      })
      const started = (options.appToken ? await app.start() : await app.start({ port: options.port, host: options.host })) as unknown
      if (started && typeof (started as Server).address === 'function') {
        server = started as Server
        const address = server.address()
        return { port: typeof address === 'object' && address ? address.port : null }
      }
      return { port: options.port }
    },
    async stop() {
      await app.stop()
    },
  }
}
