import { describe, expect, it } from 'vitest'
import { parseResponseStage } from '../../../../src/core/incidents/response-stage'
import { parseUserMention } from '../../../../src/slack/listeners/commands/incident-argument'

describe('parseUserMention', () => {
  it('reads the user id of a mention as an escaping slash command sends it', () => {
    expect(parseUserMention('<@U0123ABCD|alice>')).toBe('U0123ABCD')
    expect(parseUserMention('<@W0123ABCD>')).toBe('W0123ABCD')
    expect(parseUserMention('U0123ABCD')).toBe('U0123ABCD')
  })

  it('refuses what is not a user: a name, a channel, a group, a broadcast', () => {
    for (const word of ['@alice', 'alice', '<#C0123|general>', '<!subteam^S0123|@oncall>', '<!channel>', '<@U0123ABCD', '']) {
      expect(parseUserMention(word)).toBeNull()
    }
  })
})

describe('parseResponseStage', () => {
  it('reads a stage whatever its case, and nothing else', () => {
    expect(parseResponseStage('Monitoring')).toBe('monitoring')
    expect(parseResponseStage('identified')).toBe('identified')
    expect(parseResponseStage('fixed')).toBeNull()
  })
})
