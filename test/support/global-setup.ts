import postgres from 'postgres'
import { Redis } from 'ioredis'
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './services'

/**
 * Integration tests need the real Postgres with pgvector and the real Redis. If
 * either is missing the run fails here, loudly, instead of skipping tests.
 */
export default async function setup(): Promise<void> {
  const sql = postgres(TEST_DATABASE_URL, { max: 1, connect_timeout: 5, onnotice: () => {} })
  try {
    const rows = await sql`select name from pg_available_extensions where name = 'vector'`
    if (rows.length === 0) throw new Error(`pgvector is not installed on ${TEST_DATABASE_URL} (run scripts/setup/install-pgvector.sh)`)
  } catch (err) {
    throw new Error(`Postgres with pgvector is required for the tests: ${(err as Error).message}`)
  } finally {
    await sql.end({ timeout: 2 })
  }
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 3000, lazyConnect: true, retryStrategy: () => null })
  try {
    await redis.connect()
    if ((await redis.ping()) !== 'PONG') throw new Error('PING did not answer PONG')
  } catch (err) {
    throw new Error(`Redis is required for the tests at ${TEST_REDIS_URL}: ${(err as Error).message}`)
  } finally {
    redis.disconnect()
  }
}
