import { describe, expect, it } from 'vitest'
import { serviceFromText } from '../../../src/workers/processors/incident-open-and-analyze'

describe('serviceFromText', () => {
  it('finds a known service anywhere in the text', () => {
    expect(serviceFromText('timeouts on checkout-db since 10:00', ['payment-api', 'checkout-db'])).toBe('checkout-db')
  })

  it('takes a service-like first word when no known service is named', () => {
    expect(serviceFromText('orders-db connection timeouts', [])).toBe('orders-db')
  })

  it('does not guess from an ordinary first word', () => {
    expect(serviceFromText('everything is slow', [])).toBeNull()
  })
})
