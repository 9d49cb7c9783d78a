import { describe, expect, it } from 'vitest'
import { Bm25Index, bm25Tokens } from '../../../../src/core/correlation/bm25-index'

describe('Bm25Index', () => {
  const index = new Bm25Index()
  index.add('1', 'NameNode crashes with OutOfMemoryError during block report')
  index.add('2', 'Datanode disk full, block report delayed')
  index.add('3', 'S3A upload fails with 403 on multipart')

  it('tokenises plainly: lower case, no stopwords, no stemming', () => {
    expect(bm25Tokens('The NameNode crashes with an OOM')).toEqual(['namenode', 'crashes', 'oom'])
  })

  it('ranks by rare shared words first', () => {
    expect(index.search('namenode OutOfMemoryError', { limit: 3 }).map((r) => r.id)).toEqual(['1'])
    expect(index.search('block report delayed', { limit: 3 }).map((r) => r.id)).toEqual(['2', '1'])
  })

  it('searches only what the filter lets through', () => {
    expect(index.search('block report', { limit: 3, accept: (id) => id !== '2' }).map((r) => r.id)).toEqual(['1'])
  })
})
