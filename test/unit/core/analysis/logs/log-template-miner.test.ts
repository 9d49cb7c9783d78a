import { describe, expect, it } from 'vitest'
import { LogTemplateMiner, OVERFLOW_TEMPLATE_ID } from '../../../../../src/core/analysis/logs/log-template-miner'
import { mineLogTemplates } from '../../../../../src/core/analysis/logs/mine-log-templates'

const templatesOf = (messages: string[]) => mineLogTemplates(messages).assignments.map((a) => a.template)

describe('LogTemplateMiner', () => {
  describe('add', () => {
    it('puts messages that differ only in parameters under one template and returns those parameters', () => {
      const miner = new LogTemplateMiner()
      const first = miner.add('PacketResponder 1 for block blk_38865049064139660 terminating')
      const second = miner.add('PacketResponder 0 for block blk_-6952295868487656571 terminating')
      expect(second.templateId).toBe(first.templateId)
      expect(second.template).toBe('PacketResponder <*> for block <*> terminating')
      expect(second.parameters).toEqual(['0', 'blk_-6952295868487656571'])
      expect(second.truncated).toBe(false)
    })

    it('generalizes a token at the finest level that covers both values', () => {
      const miner = new LogTemplateMiner()
      miner.add('Targeting domains:node-D3 and nodes:node-[104-127] child of command 1963')
      const mined = miner.add('Targeting domains:node-D4 and nodes:node-[136-159] child of command 1964')
      expect(mined.template).toBe('Targeting domains:node-<*> and nodes:node-[<*>-<*>] child of command <*>')
      expect(mined.parameters).toEqual(['D4', '136', '159', '1964'])
    })

    it('keeps messages that differ in a word apart (different events, not different values)', () => {
      const miner = new LogTemplateMiner()
      const on = miner.add('onReceive action: android.intent.action.SCREEN_ON')
      const off = miner.add('onReceive action: android.intent.action.SCREEN_OFF')
      const ee0 = miner.add('NIFF: node node-129 has detected an available network connection on network 10.128.0.0 via interface ee0')
      const alt0 = miner.add('NIFF: node node-148 has detected an available network connection on network 5.5.226.0 via interface alt0')
      expect(off.templateId).not.toBe(on.templateId)
      expect(alt0.templateId).not.toBe(ee0.templateId)
      expect(alt0.template).toBe('NIFF: node node-<*> has detected an available network connection on network <*> via interface alt0')
    })

    it('turns a word slot into a parameter once more than maxWordVariants templates differ only there', () => {
      const miner = new LogTemplateMiner({ maxWordVariants: 3 })
      const ids = ['alice', 'bob', 'carol'].map((u) => miner.add(`session closed for user ${u}`).templateId)
      expect(new Set(ids).size).toBe(3)
      const fourth = miner.add('session closed for user dave')
      expect(fourth.template).toBe('session closed for user <*>')
      expect(ids.map((id) => miner.resolve(id))).toEqual([fourth.templateId, fourth.templateId, fourth.templateId])
      expect(miner.add('session closed for user erin').templateId).toBe(fourth.templateId)
      expect(miner.templates()).toEqual([expect.objectContaining({ template: 'session closed for user <*>', count: 5 })])
    })

    it('counts the values a sibling already generalized over toward that limit', () => {
      const messages = [
        'domain cluster_root_backup is no longer served by node node-96',
        'domain root_domain is no longer served by node node-160',
        'domain root3_domain is no longer served by node node-128',
        'domain root9_domain is no longer served by node node-224',
      ]
      expect(new Set(templatesOf(messages))).toEqual(new Set(['domain <*> is no longer served by node node-<*>']))
    })

    it('lets a key=value token with a parameter in both values match whatever the value looks like', () => {
      const messages = [
        'auth failure rhost=218.188.2.4 user=root',
        'auth failure rhost=n219076184117.netvigator.com user=root',
        'auth failure rhost=220-135-151-1.hinet-ip.hinet.net user=root',
      ]
      expect(new Set(templatesOf(messages))).toEqual(new Set(['auth failure rhost=<*> user=root']))
    })

    it('treats an empty message as the empty template', () => {
      const miner = new LogTemplateMiner()
      expect(miner.add('')).toMatchObject({ template: '', parameters: [] })
      expect(miner.add('   ').templateId).toBe(miner.add('').templateId)
    })

    it('mines a very long message from its beginning and says it was cut', () => {
      const miner = new LogTemplateMiner()
      const mined = miner.add(`${'x'.repeat(5_000_000)} tail`)
      expect(mined.truncated).toBe(true)
      expect(mined.template.length).toBeLessThanOrEqual(16_384)
    })

    it('takes binary garbage without throwing and gives every line a template', () => {
      let state = 12345
      const byte = () => {
        state = (state * 1103515245 + 12345) >>> 0
        return (state >>> 16) & 0xff
      }
      const lines = Array.from({ length: 300 }, () => Buffer.from(Array.from({ length: 200 }, byte)).toString('utf8'))
      const mined = mineLogTemplates(lines)
      expect(mined.assignments).toHaveLength(300)
      for (const a of mined.assignments) expect(a.template).not.toMatch(/[\u0000-\u001f\u007f]/)
    })

    it('sends messages to the overflow template once the template cap is reached', () => {
      const miner = new LogTemplateMiner({ maxTemplates: 2 })
      miner.add('alpha one')
      miner.add('beta two')
      const third = miner.add('gamma three')
      expect(third).toMatchObject({ templateId: OVERFLOW_TEMPLATE_ID, template: '<*>', parameters: ['gamma three'] })
      expect(miner.add('alpha one').template).toBe('alpha one')
      expect(miner.templates().find((t) => t.templateId === OVERFLOW_TEMPLATE_ID)?.count).toBe(1)
    })
  })

  describe('templates', () => {
    it('reports counts and first/last-seen times per template', () => {
      const miner = new LogTemplateMiner()
      miner.add('disk 91% full on /var', new Date('2025-01-01T10:00:00Z'))
      miner.add('disk 95% full on /var', new Date('2025-01-01T10:05:00Z'))
      miner.add('restarting worker', new Date('2025-01-01T10:01:00Z'))
      expect(miner.templates()).toEqual([
        {
          templateId: 1,
          template: 'disk <*>% full on <*>',
          count: 2,
          firstSeenAt: new Date('2025-01-01T10:00:00Z'),
          lastSeenAt: new Date('2025-01-01T10:05:00Z'),
        },
        { templateId: 2, template: 'restarting worker', count: 1, firstSeenAt: new Date('2025-01-01T10:01:00Z'), lastSeenAt: new Date('2025-01-01T10:01:00Z') },
      ])
    })

    it('leaves times empty when add was not given any', () => {
      const miner = new LogTemplateMiner()
      miner.add('hello')
      expect(miner.templates()[0]).toMatchObject({ firstSeenAt: null, lastSeenAt: null })
    })
  })

  it('resolves an unknown id to itself and has no template for it', () => {
    const miner = new LogTemplateMiner()
    expect(miner.resolve(99)).toBe(99)
    expect(miner.template(99)).toBeUndefined()
  })

  it('is deterministic', () => {
    const messages = ['a 1', 'a 2', 'b x', 'b y', 'b z', 'b w', 'c 3']
    expect(templatesOf(messages)).toEqual(templatesOf(messages))
  })
})
