import { describe, expect, it } from 'vitest'
import { computeAlertmanagerFingerprint } from '../../../../src/ingest/parsers/alertmanager-fingerprint'

describe('computeAlertmanagerFingerprint', () => {
  // Expected values come from prometheus/common's LabelSet.Fingerprint.
  it.each([
    [{}, 'cbf29ce484222325'],
    [{ foo: 'bar' }, '3fff2c2d7595e046'],
    [{ foo: 'bar', baz: 'qux' }, 'e4d83091cd448e77'],
    [{ name: 'garland, briggs', fear: 'love is not enough' }, BigInt('5799056148416392346').toString(16)],
  ])('fingerprints %o as %s', (labels, expected) => {
    expect(computeAlertmanagerFingerprint(labels)).toBe(expected)
  })

  it('does not depend on label order', () => {
    expect(computeAlertmanagerFingerprint({ a: '1', b: '2' })).toBe(computeAlertmanagerFingerprint({ b: '2', a: '1' }))
  })
})
