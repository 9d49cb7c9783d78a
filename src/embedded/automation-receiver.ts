import { createServer, type Server } from 'node:http'

export interface AutomationCall {
  method: string
  path: string
  idempotencyKey: string | null
  body: unknown
  duplicate: boolean
  at: Date
}

/**
 * Stands in for a team's existing automation in embedded mode: receives playbook
 * webhook actions, runs each Idempotency-Key once, and records what it was asked.
 */
export class AutomationReceiver {
  readonly calls: AutomationCall[] = []
  private server: Server | null = null
  private readonly seen = new Set<string>()

  /**
   * `hang` leaves matching calls unanswered (after running them), to stand for a caller
   * that dies mid-call; `fail` answers matching calls with that HTTP status.
   */
  constructor(private readonly options: { hang?: (call: AutomationCall) => boolean; fail?: (call: AutomationCall) => number | undefined } = {}) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const key = (req.headers['idempotency-key'] as string | undefined) ?? null
        const duplicate = key !== null && this.seen.has(key)
        if (key) this.seen.add(key)
        let body: unknown = null
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null')
        } catch {
          body = Buffer.concat(chunks).toString('utf8')
        }
        const call = { method: req.method ?? '', path: req.url ?? '', idempotencyKey: key, body, duplicate, at: new Date() }
        this.calls.push(call)
        if (this.options.hang?.(call)) return
        const failure = this.options.fail?.(call)
        if (failure) {
          res.writeHead(failure, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ error: 'automation refused the request' }))
          return
        }
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ status: duplicate ? 'duplicate-ignored' : 'accepted', run: key }))
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    const address = this.server.address()
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}
