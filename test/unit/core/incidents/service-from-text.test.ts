import { describe, expect, it } from 'vitest'
import { serviceFromText } from '../../../../src/core/incidents/service-from-text'

describe('serviceFromText', () => {
  it('finds a known service anywhere in the text', () => {
    expect(serviceFromText('timeouts on checkout-db since 10:00', ['payment-api', 'checkout-db'])).toBe('checkout-db')
  })

  it('takes a service-like first word when no known service is named', () => {
    expect(serviceFromText('orders-db connection timeouts', [])).toBe('orders-db')
  })

  it('prefers a known service named later over a service-like first word', () => {
    expect(serviceFromText('payment-api slow since checkout-db timeouts', ['checkout-db'])).toBe('checkout-db')
  })

  it('does not guess from an ordinary first word', () => {
    expect(serviceFromText('everything is slow', [])).toBeNull()
  })
})
