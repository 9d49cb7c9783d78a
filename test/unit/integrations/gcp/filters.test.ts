import { describe, expect, it } from 'vitest'
import { TelemetryQueryError } from '../../../../src/core/telemetry/port'
import { buildLogFilter } from '../../../../src/integrations/gcp/logging-filter'
import { buildMonitoringFilter } from '../../../../src/integrations/gcp/monitoring-filter'
import { buildTraceFilter } from '../../../../src/integrations/gcp/cloud-trace-traces'
import { parseFilter, topLevelEqualities } from '../../../fakes/gcp/filter-language'

const selector = (labels: Record<string, string>) => ({
  metricType: 'run.googleapis.com/request_count',
  resourceType: 'cloud_run_revision',
  resourceLabels: labels,
  metricLabels: { response_code_class: '5xx' },
})

describe('Cloud Monitoring filters', () => {
  it('select the metric type, the resource and each label, in a stable order', () => {
    expect(buildMonitoringFilter(selector({ service_name: 'fraud-check', location: 'europe-west1' }))).toBe(
      'metric.type = "run.googleapis.com/request_count" AND resource.type = "cloud_run_revision" AND resource.labels.location = "europe-west1" AND resource.labels.service_name = "fraud-check" AND metric.labels.response_code_class = "5xx"',
    )
  })

  it('quote hostile values so they stay one value (the filter parses back to exactly the same equalities)', () => {
    const hostile = 'payment-api" OR metric.type = "custom.googleapis.com/secret\\'
    const filter = buildMonitoringFilter(selector({ service_name: hostile }))
    const equalities = topLevelEqualities(parseFilter(filter))
    expect(equalities).toContainEqual({ field: 'resource.labels.service_name', value: hostile })
    expect(equalities.filter((e) => e.field === 'metric.type')).toEqual([{ field: 'metric.type', value: 'run.googleapis.com/request_count' }])
  })

  it('refuse label keys and values that no filter can carry, saying which', () => {
    expect(() => buildMonitoringFilter(selector({ 'service name': 'x' }))).toThrow(TelemetryQueryError)
    expect(() => buildMonitoringFilter(selector({ service_name: 'line\nbreak' }))).toThrow(/resource label service_name contains a control character/)
  })
})

describe('Cloud Logging filters', () => {
  const base = {
    resourceType: 'k8s_container',
    resourceLabels: { container_name: 'payment-api', namespace_name: 'payments' },
    startIso: '2026-05-14T09:30:00.000Z',
    endIso: '2026-05-14T10:01:00.000Z',
  }

  it('bound the window, the resource and the severity', () => {
    expect(buildLogFilter({ ...base, minSeverity: 'WARNING' })).toBe(
      'resource.type="k8s_container" AND resource.labels.container_name="payment-api" AND resource.labels.namespace_name="payments" AND timestamp>="2026-05-14T09:30:00.000Z" AND timestamp<="2026-05-14T10:01:00.000Z" AND severity>=WARNING',
    )
  })

  it('search text and JSON messages with the has operator, quoted', () => {
    const filter = buildLogFilter({ ...base, contains: 'say "deployed"' })
    expect(filter.endsWith('AND (textPayload:"say \\"deployed\\"" OR jsonPayload.message:"say \\"deployed\\"")')).toBe(true)
    expect(() => parseFilter(filter)).not.toThrow()
  })

  it('pick a Compute Engine instance by its name through the log label Logging keeps it in', () => {
    const filter = buildLogFilter({ ...base, resourceType: 'gce_instance', resourceLabels: { instance_name: 'batch-1', zone: 'europe-west1-b' } })
    expect(
      filter.startsWith(
        'resource.type="gce_instance" AND labels."compute.googleapis.com/resource_name"="batch-1" AND resource.labels.zone="europe-west1-b" AND ',
      ),
    ).toBe(true)
  })
})

describe('Cloud Trace filters', () => {
  it('match the service label exactly and the latency floor', () => {
    expect(buildTraceFilter('service.name', 'payment-api', 500)).toBe('+service.name:payment-api latency:500ms')
    expect(buildTraceFilter('g.co/r/k8s_container/container_name', 'cart', undefined)).toBe('+g.co/r/k8s_container/container_name:cart')
  })
})
