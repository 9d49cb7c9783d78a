import { randomBytes } from 'node:crypto'
import { startEmbeddedEnvironment, type EmbeddedEnvironment, type EmbeddedEnvironmentOptions } from '../../src/embedded/embedded-environment'
import { TEST_REDIS_URL } from './services'
import type { TestDatabase } from './test-database'

/**
 * The bot, BullMQ workers and the Slack simulator in this process, on `database` and the test Redis under a queue prefix of its own
 * (`options.queuePrefix` when the test needs to know it, for a second worker or a queue of its own).
 */
export function startOnTestServices(
  database: TestDatabase,
  options: Omit<EmbeddedEnvironmentOptions, 'databaseUrl' | 'redisUrl'> = {},
): Promise<EmbeddedEnvironment> {
  const queuePrefix = options.queuePrefix ?? `test-${randomBytes(4).toString('hex')}`
  return startEmbeddedEnvironment({ ...options, databaseUrl: database.url, redisUrl: TEST_REDIS_URL, queuePrefix })
}

/** POSTs `body` to the environment's generic alert webhook with its bearer token, as an alert source would. */
export function postGenericAlert(env: EmbeddedEnvironment, body: unknown): Promise<Response> {
  return fetch(`${env.baseUrl}/alerts/generic`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.alertToken}` },
    body: JSON.stringify(body),
  })
}
