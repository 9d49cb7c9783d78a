import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isCodedError } from '../../src/core/errors'
import type { FollowupIssue } from '../../src/core/incidents/followup-action'
import { WebhookFollowupTracker } from '../../src/integrations/followups/webhook-followup-tracker'

const issue: FollowupIssue = {
  title: 'INC-7 follow-up: add an index',
  description: 'add an index',
  owner: 'U0ALICE',
  due: '2026-03-20',
  incident: { number: 7, title: 'orders-db slow', link: null, slack: null },
}

describe('WebhookFollowupTracker against a local HTTP server', () => {
  let server: Server
  let base: string
  const seen: Array<{ path: string; key: string | undefined; body: unknown }> = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = ''
      req.on('data', (c) => {
        raw += c
      })
      req.on('end', () => {
        seen.push({ path: req.url ?? '', key: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(raw) })
        if (req.url === '/github') return void res.writeHead(201, { 'content-type': 'application/json' }).end('{"html_url":"https://github.com/o/r/issues/3"}')
        if (req.url === '/plain') return void res.writeHead(200).end('created')
        res.writeHead(503).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise((resolve) => server.close(resolve)))

  it('POSTs the issue as JSON with the idempotency key, and keeps html_url', async () => {
    expect(await new WebhookFollowupTracker(`${base}/github`).file(issue, 'followup-1')).toEqual({ url: 'https://github.com/o/r/issues/3' })
    expect(seen.at(-1)).toEqual({ path: '/github', key: 'followup-1', body: { ...issue, idempotency_key: 'followup-1' } })
  })

  it('files an answer that is not JSON with no link', async () => {
    expect(await new WebhookFollowupTracker(`${base}/plain`).file(issue, 'followup-2')).toEqual({ url: null })
  })

  it('throws a coded error when the tracker refuses, so the job is retried with the same key', async () => {
    const err = await new WebhookFollowupTracker(`${base}/down`).file(issue, 'followup-3').catch((e: unknown) => e)
    expect(isCodedError(err) && err.code).toBe('followup_webhook_failed')
  })
})
