import { describe, expect, it } from 'vitest'
import { MaskCache, maskLogTokens, maskToken } from '../../../../../src/core/analysis/logs/mask-log-tokens'

describe('maskToken', () => {
  it.each([
    [
      'numbers, signed and decimal',
      ['42', '-2', '+7', '0.023958297', 'vCores:-17', 'keyId:-127633188)'],
      ['<*>', '<*>', '<*>', '<*>', 'vCores:<*>', 'keyId:<*>)'],
    ],
    ['numbers with a unit', ['65020ms', '(threshold=30000ms);', '41C', '256K', '80x25'], ['<*>', '(threshold=<*>);', '<*>', '<*>', '<*>']],
    ['IPs and ports', ['10.251.73.220:50010', '/10.250.19.102:54106', '[client', '222.166.160.184]'], ['<*>:<*>', '<*>:<*>', '[client', '<*>]']],
    ['hex', ['0x0b85eee0', '003a90fc', 'ffffffff', 'mask', 'deadbeef'], ['<*>', '<*>', '<*>', 'mask', '<*>']],
    [
      'paths, relative paths and URLs',
      ['/var/www/html/', 'chdir(/p/gb2/t800)', './runtime_malloc:', "'/udev/vcsa2'", 'hdfs://msra-sa-41:9000/tmp/job.jar', 'C:\\Users\\me\\AppData'],
      ['<*>', 'chdir(<*>)', '<*>:', "'<*>'", 'hdfs://<*>', '<*>'],
    ],
    [
      'ids with long digit runs',
      ['blk_-6952295868487656571', 'attempt_1445144423722_0020_m_000000_0', '[DFSClient_NONMAPREDUCE_1537864556_1]', 'core.2275'],
      ['<*>', '<*>', '[<*>]', 'core.<*>'],
    ],
    [
      'MAC addresses, UUIDs and host names',
      ['mLp(FF:F2:9F:16:CF:0F:00:0D:60:E9:30:F0),', '7f3e9a2c-41d2-4c6e-9f0b-2d8f1a6b3c55', 'MSRA-SA-39.fareast.corp.microsoft.com:8042', 'db.prod.internal'],
      ['mLp(<*>),', '<*>', '<*>:<*>', '<*>'],
    ],
    ['booleans and versions', ['true', 'obj=false', 'null', 'v1.0.0', 'jetty-6.1.26'], ['<*>', 'obj=<*>', '<*>', '<*>', 'jetty-<*>']],
  ])('masks %s', (_, tokens, expected) => {
    expect(tokens.map(maskToken)).toEqual(expected)
  })

  it('leaves words, Java packages and keyword-like tokens with digits alone', () => {
    const tokens = [
      'connection',
      'java.net.NoRouteToHostException:',
      'org.apache.hadoop.mapreduce.v2.app.MRAppMaster',
      'ee0',
      'alt0',
      'x+',
      '4G/4G',
      'Node',
      'node-D3',
      '****',
    ]
    expect(tokens.map(maskToken)).toEqual([
      'connection',
      'java.net.NoRouteToHostException:',
      'org.apache.hadoop.mapreduce.v2.app.MRAppMaster',
      'ee0',
      'alt0',
      'x+',
      '<*>/<*>',
      'Node',
      'node-D3',
      '****',
    ])
  })

  it('keeps structure around numbers: ranges, key=value, dotted and hash-separated values', () => {
    expect(['node-[104-127]', 'ambient=30', 'Interconnect-0T00:00:2:1', '1514038440000##7007##548365', 'CPU#0.'].map(maskToken)).toEqual([
      'node-[<*>-<*>]',
      'ambient=<*>',
      'Interconnect-<*>:<*>:<*>:<*>',
      '<*>##<*>##<*>',
      'CPU#<*>.',
    ])
  })
})

describe('maskLogTokens', () => {
  it('folds a date-time written over several tokens into one parameter, keeping the raw text', () => {
    const tokens = 'connection from 1.2.3.4 () at Fri Jun 17 07:07:00 2005'.split(' ')
    expect(maskLogTokens(tokens)).toEqual({
      raw: ['connection', 'from', '1.2.3.4', '()', 'at', 'Fri Jun 17 07:07:00 2005'],
      masked: ['connection', 'from', '<*>', '()', 'at', '<*>'],
    })
    expect(maskLogTokens('status=M Fri Jul 01 08:16:53 PDT 2005'.split(' ')).masked).toEqual(['status=M', '<*>'])
    expect(maskLogTokens('at 2024-03-01 12:00:01,123 done'.split(' ')).masked).toEqual(['at', '<*>', 'done'])
  })

  it('does not take a month name without a day and time for a date', () => {
    expect(maskLogTokens(['May', 'fail']).masked).toEqual(['May', 'fail'])
    expect(maskLogTokens(['Sun', 'Microsystems']).masked).toEqual(['Sun', 'Microsystems'])
  })

  it('gives the same result through the cache', () => {
    const cache = new MaskCache(4)
    const tokens = 'alpha beta 12 gamma delta epsilon alpha 13'.split(' ')
    expect(maskLogTokens(tokens, cache)).toEqual(maskLogTokens(tokens))
    expect(maskLogTokens(tokens, cache)).toEqual(maskLogTokens(tokens))
  })
})
