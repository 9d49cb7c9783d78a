import { describe, expect, it } from 'vitest'
import { recognizeTestNotification } from '../../../../src/ingest/parsers'
import { loadAlertFixture } from './load-alert-fixture'

describe('recognizeTestNotification', () => {
  it('recognizes the body of Cloud Monitoring\'s "Send test notification" button (gcp-test-notification.json)', () => {
    expect(recognizeTestNotification('gcp', loadAlertFixture('gcp-test-notification.json'))).toEqual({
      sender: 'Cloud Monitoring',
      policy: 'checkout-api error rate',
    })
  })

  it('names no policy when the test body has none', () => {
    expect(recognizeTestNotification('gcp', { version: 'test' })).toEqual({ sender: 'Cloud Monitoring', policy: null })
  })

  it('is null for a real alert, and for the same body on another route', () => {
    expect(recognizeTestNotification('gcp', loadAlertFixture('gcp-open-payment-latency.json'))).toBeNull()
    expect(recognizeTestNotification('generic', loadAlertFixture('gcp-test-notification.json'))).toBeNull()
  })
})
