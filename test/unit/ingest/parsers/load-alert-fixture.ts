import { readFileSync } from 'node:fs'

const fixturesDirectory = new URL('../../../fixtures/alerts/', import.meta.url)

/** A recorded webhook body from test/fixtures/alerts, JSON-parsed as the HTTP layer would hand it over. */
export function loadAlertFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, fixturesDirectory), 'utf8'))
}
