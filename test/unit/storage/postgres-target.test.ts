import { describe, expect, it } from 'vitest'
import { postgresTarget } from '../../../src/storage/database'

describe('postgresTarget', () => {
  it('leaves a TCP URL and its options as they are', () => {
    const url = 'postgres://sre:pw@10.0.0.5:6432/sre?sslmode=require'
    expect(postgresTarget(url, { max: 4 })).toEqual([url, { max: 4 }])
  })

  it('turns libpq’s host=<directory> into the socket path postgres.js takes, with or without a host before the path', () => {
    expect(postgresTarget('postgres://sre:pw@/sre?host=/cloudsql/proj:europe-west1:db', { max: 4 })).toEqual([
      'postgres://sre:pw@localhost/sre',
      { max: 4, path: '/cloudsql/proj:europe-west1:db/.s.PGSQL.5432' },
    ])
    expect(postgresTarget('postgresql://postgres@localhost:5433/test?host=%2Fvar%2Frun%2Fpostgresql%2F&application_name=sre', {})).toEqual([
      'postgresql://postgres@localhost:5433/test?application_name=sre',
      { path: '/var/run/postgresql/.s.PGSQL.5433' },
    ])
  })
})
