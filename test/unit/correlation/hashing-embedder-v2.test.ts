import { describe, expect, it } from 'vitest'
import { featureTokens, HashingEmbedder, stem } from '../../../src/core/correlation/hashing-embedder'

const cosine = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0)

describe('local hashing embedder (v2)', () => {
  const embedder = new HashingEmbedder()

  it('splits identifiers into their words and keeps the whole name as a feature', () => {
    expect(featureTokens('Caused by java.net.SocketTimeoutException in checkoutDb')).toEqual([
      'caus', 'java', 'net', 'socket', 'timeout', 'exception', '=java.net.sockettimeoutexception', 'checkout', 'db', '=checkoutdb',
    ])
  })

  it('folds plurals and verb endings so inflections meet', () => {
    expect(['connections', 'timeouts', 'retries', 'exhausted', 'restarting'].map(stem)).toEqual(['connection', 'timeout', 'retry', 'exhaust', 'restart'])
    expect(stem('p95s')).toBe('p95s')
  })

  it('matches an exception written as a class name with the same words in prose', async () => {
    const [a, b, c] = await embedder.embed(['java.net.SocketTimeoutException while reading from checkout-db', 'socket timeout exception reading checkout-db', 'disk full on the logging node'])
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.3)
  })

  it('counts a line repeated verbatim once, and repeated words sublinearly', async () => {
    const line = 'at org.apache.hadoop.ipc.Client.call(Client.java:1508)'
    const [once, fifty] = await embedder.embed([`NameNode failover loses edits\n${line}`, `NameNode failover loses edits\n${`${line}\n`.repeat(50)}`])
    expect(fifty).toEqual(once)
    const [few, many, words] = await embedder.embed(['timeout timeout timeout pool', `${'timeout '.repeat(300)}pool`, 'pool'])
    // 100 times more repetitions, not 100 times the weight: "pool" keeps a fair share.
    expect(cosine(many!, words!)).toBeGreaterThan(cosine(few!, words!) / 10)
    expect(cosine(few!, many!)).toBeGreaterThan(0.9)
  })

  it('is named for its version: vectors of another version are not comparable', () => {
    expect(embedder.name).toBe('local-hashing-v2')
  })
})
