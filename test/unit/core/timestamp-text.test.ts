import { describe, expect, it } from 'vitest'
import { parseTimestampText } from '../../../src/core/timestamp-text'

const iso = (text: string) => parseTimestampText(text)?.toISOString() ?? null

describe('parseTimestampText', () => {
  it("reads Jira's export with a two- or four-digit year and an AM/PM clock, as UTC", () => {
    expect(iso('30/Sep/21 17:20')).toBe('2021-09-30T17:20:00.000Z')
    expect(iso('30/Sep/2021 5:20 PM')).toBe('2021-09-30T17:20:00.000Z')
    expect(iso('1/jan/21 12:05 am')).toBe('2021-01-01T00:05:00.000Z')
    expect(iso('1/Jan/21 12:05 PM')).toBe('2021-01-01T12:05:00.000Z')
  })

  it('reads ISO 8601 with an offset, and a date alone as its midnight UTC', () => {
    expect(iso('2020-01-02 17:14:21+00:00')).toBe('2020-01-02T17:14:21.000Z')
    expect(iso('2024-05-02T11:00:00-07:00')).toBe('2024-05-02T18:00:00.000Z')
    expect(iso('2024-05-02')).toBe('2024-05-02T00:00:00.000Z')
  })

  it('refuses impossible and ambiguous times', () => {
    for (const text of ['13/Jan/21 13:05 PM', '31/Feb/21 10:00', '2024-02-30', '02/01/2020 17:14', '1714000000', '']) expect(iso(text)).toBeNull()
  })
})
