import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js'
import type { BlueprintEdge } from '../../core/blueprint/blueprint-edge'
import type { BlueprintNodeView, BlueprintView } from '../../core/blueprint/blueprint-view'
import { formatCount, formatPercent } from '../../core/blueprint/describe-blueprint-change'
import { truncateText } from '../../core/truncate-text'
import { escapeXml, textWidth } from './svg-text'

export { escapeXml }

const FONT = 'DejaVu Sans'
const NAME_SIZE = 14
const ROLE_SIZE = 11
const LABEL_SIZE = 11
const MAX_NAME_CHARS = 36
const MARGIN = 24
const TITLE_HEIGHT = 56
const LEGEND_HEIGHT = 40
/** Past this error rate an edge is drawn red. */
export const ERROR_RATE_ALERT = 0.05

const COLORS = {
  chosen: { fill: '#1d4ed8', stroke: '#1e3a8a', text: '#ffffff', role: '#dbeafe' },
  neighbour: { fill: '#dbeafe', stroke: '#1d4ed8', text: '#1e3a8a', role: '#1d4ed8' },
  none: { fill: '#f3f4f6', stroke: '#9ca3af', text: '#1f2937', role: '#6b7280' },
  plain: { fill: '#eef2ff', stroke: '#4f46e5', text: '#1e1b4b', role: '#4f46e5' },
}

/**
 * The blueprint as an SVG: a layered layout (elkjs), left to right in call order; the chosen
 * service filled, its neighbours tinted; each edge labelled with its calls an hour and error rate,
 * dashed when only declared, red past 5 % errors. Every name is escaped: service names come from traces.
 */
export async function renderBlueprintSvg(view: BlueprintView): Promise<string> {
  const elk = new ELK()
  const ids = new Map(view.nodes.map((n, i) => [n.name, `n${i}`]))
  const children: ElkNode[] = view.nodes.map((n) => ({ id: ids.get(n.name)!, ...nodeSize(n) }))
  const edges: ElkExtendedEdge[] = view.edges.map((e, i) => {
    const text = edgeLabel(e)
    return {
      id: `e${i}`,
      sources: [ids.get(e.from)!],
      targets: [ids.get(e.to)!],
      labels: [{ id: `l${i}`, text, width: textWidth(text, LABEL_SIZE) + 8, height: LABEL_SIZE + 6 }],
    }
  })
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '36',
      'elk.spacing.edgeLabel': '4',
      'elk.spacing.edgeNode': '18',
      'elk.spacing.edgeEdge': '14',
      'elk.layered.spacing.edgeNodeBetweenLayers': '18',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children,
    edges,
  }
  const laid = await elk.layout(root)
  const graphWidth = laid.width ?? 0
  const graphHeight = laid.height ?? 0
  const title = view.service === null ? 'Service blueprint' : `Service blueprint: ${truncateText(view.service, 60)} and its neighbours`
  const subtitle =
    `${view.nodes.length} services, ${view.edges.length} dependencies (${view.edges.filter((e) => e.source !== 'declared').length} seen in traces) · ` +
    `${view.generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`
  const width = Math.ceil(Math.max(graphWidth, textWidth(title, 18), textWidth(subtitle, 12), 560) + 2 * MARGIN)
  const height = Math.ceil(graphHeight + TITLE_HEIGHT + LEGEND_HEIGHT + 2 * MARGIN)
  const ox = MARGIN
  const oy = MARGIN + TITLE_HEIGHT
  const byId = new Map(view.nodes.map((n) => [ids.get(n.name)!, n]))
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    '<defs>',
    ...(['plain', 'strong', 'alert'] as const).map(
      (k) =>
        `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" markerUnits="userSpaceOnUse" ` +
        'orient="auto-start-reverse">' +
        `<path d="M0,0 L10,5 L0,10 z" fill="${edgeColor(k)}"/></marker>`,
    ),
    '</defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="${MARGIN + 18}" font-size="18" font-weight="bold" fill="#111827">${escapeXml(title)}</text>`,
    `<text x="${MARGIN}" y="${MARGIN + 38}" font-size="12" fill="#4b5563">${escapeXml(subtitle)}</text>`,
  ]
  const laidEdges = (laid.edges ?? []) as ElkExtendedEdge[]
  // Edges under nodes, labels over everything.
  const labels: string[] = []
  laidEdges.forEach((le, i) => {
    const edge = view.edges[i]!
    const kind = edge.errorRate !== null && edge.errorRate >= ERROR_RATE_ALERT ? 'alert' : touches(edge, view.service) ? 'strong' : 'plain'
    for (const section of le.sections ?? []) {
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => `${round(p.x + ox)},${round(p.y + oy)}`)
      const dash = edge.source === 'declared' ? ' stroke-dasharray="7 5"' : ''
      out.push(
        `<polyline points="${points.join(' ')}" fill="none" stroke="${edgeColor(kind)}" stroke-width="${strokeWidth(edge)}"${dash} ` +
          `marker-end="url(#arrow-${kind})"/>`,
      )
    }
    for (const label of le.labels ?? []) {
      const x = (label.x ?? 0) + ox
      const y = (label.y ?? 0) + oy
      labels.push(
        `<rect x="${round(x)}" y="${round(y)}" width="${round(label.width ?? 0)}" height="${round(label.height ?? 0)}" rx="3" ` +
          'fill="#ffffff" fill-opacity="0.92"/>',
        `<text x="${round(x + 4)}" y="${round(y + LABEL_SIZE + 1)}" font-size="${LABEL_SIZE}" fill="${kind === 'alert' ? '#b91c1c' : '#374151'}">` +
          `${escapeXml(label.text ?? '')}</text>`,
      )
    }
  })
  for (const child of laid.children ?? []) {
    const node = byId.get(child.id)!
    const c = view.service === null ? COLORS.plain : COLORS[node.emphasis]
    const x = (child.x ?? 0) + ox
    const y = (child.y ?? 0) + oy
    const w = child.width ?? 0
    const h = child.height ?? 0
    const rx = node.role === 'database' ? 14 : node.role === 'topic' ? 2 : 8
    out.push(
      `<rect x="${round(x)}" y="${round(y)}" width="${round(w)}" height="${round(h)}" rx="${rx}" fill="${c.fill}" stroke="${c.stroke}" ` +
        `stroke-width="${node.emphasis === 'chosen' ? 2.5 : 1.5}"/>`,
      `<text x="${round(x + w / 2)}" y="${round(y + 20)}" font-size="${NAME_SIZE}" text-anchor="middle" fill="${c.text}"` +
        `${node.emphasis === 'chosen' ? ' font-weight="bold"' : ''}>${escapeXml(nodeName(node))}</text>`,
    )
    if (node.role !== 'service')
      out.push(`<text x="${round(x + w / 2)}" y="${round(y + 36)}" font-size="${ROLE_SIZE}" text-anchor="middle" fill="${c.role}">${node.role}</text>`)
  }
  out.push(...labels)
  out.push(...legend(MARGIN, height - MARGIN - 14))
  out.push('</svg>')
  return out.join('\n')
}

function legend(x: number, y: number): string[] {
  const items: Array<[string, string, string]> = [
    ['observed in traces', edgeColor('plain'), ''],
    ['declared only', edgeColor('plain'), ' stroke-dasharray="7 5"'],
    [`${Math.round(ERROR_RATE_ALERT * 100)} % errors or more`, edgeColor('alert'), ''],
  ]
  const out: string[] = []
  let at = x
  for (const [text, color, dash] of items) {
    out.push(`<line x1="${at}" y1="${y}" x2="${at + 32}" y2="${y}" stroke="${color}" stroke-width="2"${dash}/>`)
    out.push(`<text x="${at + 40}" y="${y + 4}" font-size="12" fill="#374151">${escapeXml(text)}</text>`)
    at += 40 + textWidth(text, 12) + 28
  }
  out.push(`<text x="${at}" y="${y + 4}" font-size="12" fill="#6b7280">labels: calls an hour in sampled traces · error rate when above 0</text>`)
  return out
}

function nodeName(node: BlueprintNodeView): string {
  return truncateText(node.name, MAX_NAME_CHARS)
}

function nodeSize(node: BlueprintNodeView): { width: number; height: number } {
  return { width: Math.max(110, textWidth(nodeName(node), NAME_SIZE) + 28), height: node.role === 'service' ? 32 : 46 }
}

function edgeLabel(edge: BlueprintEdge): string {
  if (edge.source === 'declared') return edge.firstSeen ? 'declared · not seen lately' : 'declared · never seen'
  const calls = edge.callsPerHour === null ? '?' : formatCount(edge.callsPerHour)
  const errors = edge.errorRate === null || edge.errorRate === 0 ? '' : ` · ${formatPercent(edge.errorRate)} err`
  return `${calls}/h${errors}`
}

function touches(edge: BlueprintEdge, service: string | null): boolean {
  return service !== null && (edge.from === service || edge.to === service)
}

function edgeColor(kind: 'plain' | 'strong' | 'alert'): string {
  return kind === 'alert' ? '#dc2626' : kind === 'strong' ? '#1d4ed8' : '#6b7280'
}

/** Thicker with traffic, on a log scale; declared-only edges are thin. */
function strokeWidth(edge: BlueprintEdge): number {
  if (edge.source === 'declared' || edge.callsPerHour === null) return 1.2
  return round(Math.min(4.5, 1.2 + 0.6 * Math.log10(1 + edge.callsPerHour)))
}

function round(value: number): number {
  return Math.round(value * 10) / 10
}
