import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../../src/config'
import { createGcpTelemetry } from '../../../src/integrations/gcp/create-gcp-telemetry'
import { GcpCatalogError } from '../../../src/integrations/gcp/gcp-errors'
import { TEST_REDIS_URL } from '../../support/services'

const fixture = (name: string) => new URL(`../../fixtures/gcp/${name}`, import.meta.url).pathname

describe('TELEMETRY_PROVIDER=gcp', () => {
  it('builds the provider from the environment, with the services of the catalog file', async () => {
    const config = loadConfig({
      TELEMETRY_PROVIDER: 'gcp',
      REDIS_URL: TEST_REDIS_URL,
      GCP_PROJECT_ID: 'shop-prod',
      GCP_SERVICES_FILE: fixture('services.yaml'),
      GCP_QUOTA_LOGGING_PER_MINUTE: '30',
    })
    expect(config).toMatchObject({ GCP_QUOTA_LOGGING_PER_MINUTE: 30, GCP_QUOTA_MONITORING_PER_MINUTE: 3000, GCP_QUOTA_TRACE_UNITS_PER_MINUTE: 300 })
    const telemetry = createGcpTelemetry(config)
    try {
      expect(telemetry.name).toBe('gcp')
      expect((await telemetry.services()).map((s) => s.name)).toEqual(['payment-api', 'fraud-check', 'checkout-db'])
    } finally {
      await telemetry.close()
    }
  })

  it('needs Redis, since the cache and the rate limit are shared by the workers', () => {
    expect(() => createGcpTelemetry(loadConfig({ TELEMETRY_PROVIDER: 'gcp' }))).toThrow(ConfigError)
    expect(() => createGcpTelemetry(loadConfig({ TELEMETRY_PROVIDER: 'gcp' }))).toThrow(/REDIS_URL: required when TELEMETRY_PROVIDER=gcp/)
  })

  it('stops start-up on a malformed setting or catalog, naming it', () => {
    expect(() => loadConfig({ GCP_MONITORING_ENDPOINT: 'https://monitoring.googleapis.com' })).toThrow(/GCP_MONITORING_ENDPOINT: must be host:port/)
    expect(() => loadConfig({ GCP_QUOTA_TRACE_UNITS_PER_MINUTE: '10' })).toThrow(/GCP_QUOTA_TRACE_UNITS_PER_MINUTE/)
    expect(() =>
      createGcpTelemetry(loadConfig({ TELEMETRY_PROVIDER: 'gcp', REDIS_URL: TEST_REDIS_URL, GCP_SERVICES_FILE: fixture('services-broken.yaml') })),
    ).toThrow(GcpCatalogError)
  })
})
