import { Resvg } from '@resvg/resvg-js'
import { describe, expect, it } from 'vitest'
import type { BlueprintEdge } from '../../../../src/core/blueprint/blueprint-edge'
import { buildBlueprintView, UnknownBlueprintServiceError, WHOLE_GRAPH_MAX_NODES } from '../../../../src/core/blueprint/blueprint-view'
import { escapeXml, renderBlueprintSvg } from '../../../../src/integrations/render/blueprint-svg'
import { DEJAVU_SANS, svgToPng } from '../../../../src/integrations/render/svg-to-png'
import hostile from '../../../fixtures/slack/hostile-strings.json'
import { svgTexts as texts } from '../../../support/svg-texts'

const now = new Date('2026-03-10T14:00:00Z')

function edge(from: string, to: string, overrides: Partial<BlueprintEdge> = {}): BlueprintEdge {
  return {
    from,
    to,
    kind: 'call',
    source: 'observed',
    firstSeen: now,
    lastSeen: now,
    callsPerHour: 1200,
    errorRate: 0.004,
    p95Ms: 80,
    version: 1,
    retiredAt: null,
    ...overrides,
  }
}

const graph = [
  edge('frontend', 'checkout-api'),
  edge('checkout-api', 'payment-api', { errorRate: 0.2 }),
  edge('checkout-api', 'checkout-db', { kind: 'db' }),
  edge('payment-api', 'fx-rates', { source: 'declared', firstSeen: null, lastSeen: null, callsPerHour: null, errorRate: null }),
  edge('checkout-api', 'legacy-pricing', { retiredAt: now }),
]

describe('buildBlueprintView', () => {
  it('leaves retired edges out, highlights the service and its direct neighbours, and names databases', () => {
    const view = buildBlueprintView(graph, 'checkout-api', now)
    expect(view.edges.map((e) => `${e.from}>${e.to}`)).not.toContain('checkout-api>legacy-pricing')
    expect(Object.fromEntries(view.nodes.map((n) => [n.name, [n.emphasis, n.role]]))).toEqual({
      'checkout-api': ['chosen', 'service'],
      'checkout-db': ['neighbour', 'database'],
      frontend: ['neighbour', 'service'],
      'fx-rates': ['none', 'service'],
      'payment-api': ['neighbour', 'service'],
    })
  })

  it('refuses a service the blueprint does not have, naming those it has', () => {
    expect(() => buildBlueprintView(graph, 'legacy-pricing', now)).toThrow(UnknownBlueprintServiceError)
  })

  it('keeps a large graph to the two-hop neighbourhood of the service asked about', () => {
    const chain = Array.from({ length: WHOLE_GRAPH_MAX_NODES + 5 }, (_, i) => edge(`s${i}`, `s${i + 1}`))
    const view = buildBlueprintView(chain, 's20', now)
    expect(view.nodes.map((n) => n.name).sort()).toEqual(['s18', 's19', 's20', 's21', 's22'])
  })
})

describe('renderBlueprintSvg', () => {
  it('labels edges with traffic and errors, dashes declared-only edges and fills the chosen service', async () => {
    const svg = await renderBlueprintSvg(buildBlueprintView(graph, 'checkout-api', now))
    const shown = texts(svg)
    expect(shown).toEqual(expect.arrayContaining(['checkout-api', 'database', '1,200/h · 0.40% err', '1,200/h · 20% err', 'declared · never seen']))
    expect(shown).not.toContain('legacy-pricing')
    expect(svg.match(/<polyline[^>]*stroke-dasharray/g)).toHaveLength(1)
    expect(svg).toContain('fill="#1d4ed8" stroke="#1e3a8a"')
    // A failing edge is red.
    expect(svg).toMatch(/<polyline[^>]*stroke="#dc2626"/)
  })

  it('escapes hostile service names so the SVG stays well-formed and shows them as text', async () => {
    const names = [...hostile.strings, '<script>alert(1)</script>', '"quoted" & \'apos\'', 'nul\u0000bell\u0007', 'lone \ud800 surrogate', ']]><svg onload=x>']
    const edges = names.map((name, i) => edge(name, `callee-${i}`))
    const svg = await renderBlueprintSvg(buildBlueprintView(edges, null, now))
    expect(svg).not.toMatch(/<script|<svg onload|<!channel/)
    // resvg parses it as XML: a single unescaped name would make this throw.
    expect(() => new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: [DEJAVU_SANS] } }).render()).not.toThrow()
    const shown = texts(svg)
    expect(shown).toContain('<script>alert(1)</script>')
    expect(shown).toContain('"quoted" & \'apos\'')
    expect(shown).toContain('nulbell')
  })

  it('draws a PNG with the bundled font', async () => {
    const png = svgToPng(await renderBlueprintSvg(buildBlueprintView(graph, null, now)))
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(png.readUInt32BE(16)).toBeGreaterThan(500)
  })
})

describe('escapeXml', () => {
  it('escapes the five XML specials and drops what XML 1.0 forbids', () => {
    expect(escapeXml('<a href="x">&\'</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;')
    expect(escapeXml('a\u0000b\u001fc\ufffed\tе😀')).toBe('abcd\tе😀')
  })
})
