import { describe, expect, it } from 'vitest'
import { renderBlocksAsText, renderMrkdwnAsText } from '../../../../src/embedded/slack-simulator'

describe('renderMrkdwnAsText', () => {
  it.each([
    ['<@U123> please look', '@U123 please look'],
    ['<@U123|alice> please look', '@alice please look'],
    ['in <#C42|incidents>', 'in #incidents'],
    ['<!here> and <!subteam^S1|@oncall>', '@here and @oncall'],
    ['see <https://example.com/run|the run>', 'see the run (https://example.com/run)'],
    ['raw <https://example.com>', 'raw https://example.com'],
    ['a &lt; b &amp;&amp; c &gt; d', 'a < b && c > d'],
  ])('renders %j as %j', (mrkdwn, expected) => {
    expect(renderMrkdwnAsText(mrkdwn)).toBe(expected)
  })
})

describe('renderBlocksAsText', () => {
  it('underlines an upper-cased header and marks button styles', () => {
    const lines = renderBlocksAsText([
      { type: 'header', text: { type: 'plain_text', text: 'Restart?' } },
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: 'a', style: 'primary', text: { type: 'plain_text', text: 'Approve' } },
          { type: 'button', action_id: 'r', style: 'danger', text: { type: 'plain_text', text: 'Reject' } },
          { type: 'button', action_id: 'l', text: { type: 'plain_text', text: 'Later' } },
        ],
      },
    ])

    expect(lines).toEqual(['RESTART?', '════════', '[ Approve ✓ ]  [ Reject ✗ ]  [ Later ]'])
  })

  it('shows a section accessory under the section text and flattens rich text lists', () => {
    const lines = renderBlocksAsText([
      { type: 'section', text: { type: 'plain_text', text: 'Pool at 98%' }, accessory: { type: 'image', image_url: 'https://x.io/p.png', alt_text: 'pool' } },
      {
        type: 'rich_text',
        elements: [
          {
            type: 'rich_text_list',
            elements: [
              { type: 'rich_text_section', elements: [{ type: 'text', text: 'check pool' }] },
              { type: 'rich_text_section', elements: [{ type: 'user', user_id: 'U1' }] },
            ],
          },
        ],
      },
    ])

    expect(lines).toEqual(['Pool at 98%', '[image: pool]', '• check pool', '• @U1'])
  })
})
