import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'

const manifest = parse(readFileSync('manifest.yml', 'utf8'))

describe('manifest.yml', () => {
  it('declares /sre on the Bolt endpoint', () => {
    expect(manifest.features.slash_commands).toEqual([expect.objectContaining({ command: '/sre', url: expect.stringMatching(/\/slack\/events$/) })])
  })

  it('subscribes to the events the listeners handle and enables interactivity', () => {
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(['app_home_opened', 'app_mention', 'reaction_added'])
    expect(manifest.settings.interactivity.is_enabled).toBe(true)
    expect(manifest.features.app_home.home_tab_enabled).toBe(true)
  })

  it('asks only for the bot scopes the code uses', () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual([
      'app_mentions:read',
      'channels:history',
      'channels:manage',
      'chat:write',
      'chat:write.public',
      'commands',
      'files:write',
      'groups:history',
      'groups:write',
      'pins:write',
      'reactions:read',
      'usergroups:read',
    ])
  })
})
