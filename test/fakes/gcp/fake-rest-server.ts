import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { HTTP_FOR_STATUS, type FakeApiControls, type FakeFailure } from './fake-api-controls'
import { restFailureBody } from './google-protos'

export type RestRoute = (match: RegExpExecArray, query: URLSearchParams) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>

export class RestProblem extends Error {
  constructor(readonly failure: FakeFailure) {
    super(failure.message)
  }
}

/**
 * A local HTTPS-less stand-in for a Google REST API: checks the bearer token the client's
 * auth library attached, applies the fake's controls, routes GETs and answers Google's JSON
 * error shape (with RetryInfo and Retry-After on quota errors).
 */
export class FakeRestServer {
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(
    controls: FakeApiControls,
    expectedToken: string,
    routes: Array<{ method: string; pattern: RegExp; handle: RestRoute }>,
  ): Promise<FakeRestServer> {
    const server = http.createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://localhost')
        const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers })
          res.end(JSON.stringify(body))
        }
        const fail = (failure: FakeFailure) => {
          const status = HTTP_FOR_STATUS[failure.status]
          send(
            status,
            restFailureBody(failure, status),
            failure.retryDelayMs === undefined ? {} : { 'retry-after': String(Math.ceil(failure.retryDelayMs / 1000)) },
          )
        }
        if (req.headers.authorization !== `Bearer ${expectedToken}`) {
          return send(401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } })
        }
        for (const route of routes) {
          const match = route.pattern.exec(url.pathname)
          if (req.method !== 'GET' || !match) continue
          const { failure, malformed } = await controls.admit(route.method, Object.fromEntries(url.searchParams))
          if (failure) return fail(failure)
          if (malformed) return send(200, { errorGroupStats: 'not a list', traces: { unexpected: true }, errorEvents: 7 })
          try {
            const { status, body } = await route.handle(match, url.searchParams)
            return send(status, body)
          } catch (err) {
            if (err instanceof RestProblem) return fail(err.failure)
            throw err
          }
        }
        send(404, { error: { code: 404, message: `No route for ${req.method} ${url.pathname}`, status: 'NOT_FOUND' } })
      })()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return new FakeRestServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

export function invalidArgument(message: string): RestProblem {
  return new RestProblem({ status: 'INVALID_ARGUMENT', message })
}

/** Offsets in page tokens are bound to the rest of the query, as Google's are. */
export function pageOffset(query: URLSearchParams): number {
  const token = query.get('pageToken')
  if (!token) return 0
  const m = /^(\d+):(.*)$/.exec(Buffer.from(token, 'base64url').toString())
  if (!m || m[2] !== fingerprintOf(query)) throw invalidArgument('Invalid page token.')
  return Number(m[1])
}

export function nextPageToken(query: URLSearchParams, nextOffset: number, total: number): string | undefined {
  return nextOffset < total ? Buffer.from(`${nextOffset}:${fingerprintOf(query)}`).toString('base64url') : undefined
}

function fingerprintOf(query: URLSearchParams): string {
  return [...query.entries()]
    .filter(([k]) => k !== 'pageToken')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
}
