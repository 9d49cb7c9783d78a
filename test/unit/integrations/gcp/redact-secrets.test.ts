import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { redactSecrets } from '../../../../src/integrations/gcp/redact-secrets'

const hostileFile = new URL('../../../fixtures/gcp/log-lines-with-secrets.json', import.meta.url)
const hostile = JSON.parse(readFileSync(hostileFile, 'utf8')) as Array<{ line: string; leaks: string[] }>

describe('redactSecrets', () => {
  describe.each(hostile)('$line', ({ line, leaks }) => {
    it('removes every secret and address', () => {
      const redacted = redactSecrets(line)
      for (const leak of leaks) expect(redacted).not.toContain(leak)
      expect(redacted).toContain('[redacted')
    })
  })

  it('keeps the words around a secret, so the line still says what happened', () => {
    expect(redactSecrets('payment declined for alice@example.com (card ending 4242)')).toBe('payment declined for [redacted-email] (card ending 4242)')
    expect(redactSecrets('Authorization: Bearer abcdefgh12345678')).toBe('Authorization: Bearer [redacted]')
    expect(redactSecrets('db at postgres://app:pw@10.0.0.1/db')).toBe('db at postgres://app:[redacted]@10.0.0.1/db')
    expect(redactSecrets('GET /x?token=abc&page=2')).toBe('GET /x?token=[redacted]&page=2')
  })

  it('leaves ordinary operational lines alone', () => {
    for (const line of [
      'timeout acquiring connection from pool after 5000ms (request 1002)',
      'FATAL: remaining connection slots are reserved for non-replication superuser connections',
      'deployed payment-api revision payment-api-00042-kov (image sha256:9f86d081884c7d65)',
      'max_tokens=512 tokens_used=498 ratio=0.97',
      'GET /v1/carts/8c1f2e 200 12ms',
    ]) {
      expect(redactSecrets(line)).toBe(line)
    }
  })
})
