import { describe, expect, it } from 'vitest'
import { CsvSyntaxError, formatCsvRow, parseCsv, parseCsvRecords } from '../../../src/core/csv-text'

describe('parseCsv', () => {
  it('reads quoted fields holding commas, doubled quotes and line breaks', () => {
    const text = 'a,b,c\n1,"x, y","say ""hi"""\n2,"two\nlines",\n'
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'two\nlines', ''],
    ])
  })

  it('accepts CRLF rows, a byte-order mark and a last row without a newline', () => {
    expect(parseCsv('\uFEFFh1,h2\r\nv1,v2')).toEqual([
      ['h1', 'h2'],
      ['v1', 'v2'],
    ])
  })

  it('keeps empty fields, including a row of one empty quoted field', () => {
    expect(parseCsv(',\n""\n')).toEqual([['', ''], ['']])
  })

  it('returns no rows for empty text', () => {
    expect(parseCsv('')).toEqual([])
  })

  it('names the line of an unterminated quote', () => {
    expect(() => parseCsv('a\n"open\nstill open')).toThrow(expect.objectContaining({ code: 'csv_syntax', line: 2 }))
    expect(() => parseCsv('a\n"open')).toThrow(CsvSyntaxError)
  })
})

describe('parseCsvRecords', () => {
  it('keys rows by the header and fills missing cells with empty strings', () => {
    const { header, records } = parseCsvRecords('LineId,Content,EventTemplate\n1,"a, b",x\n2,c\n')
    expect(header).toEqual(['LineId', 'Content', 'EventTemplate'])
    expect(records).toEqual([
      { LineId: '1', Content: 'a, b', EventTemplate: 'x' },
      { LineId: '2', Content: 'c', EventTemplate: '' },
    ])
  })
})

describe('formatCsvRow', () => {
  it('quotes only the fields that need it, and parses back to the same values', () => {
    const fields = ['plain', 'with, comma', 'with "quote"', ' edge', 'multi\nline', '']
    const row = formatCsvRow([7, ...fields])
    expect(row).toBe('7,plain,"with, comma","with ""quote"""," edge","multi\nline",')
    expect(parseCsv(row)).toEqual([['7', ...fields]])
  })
})
