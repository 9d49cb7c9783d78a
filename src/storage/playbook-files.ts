import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isNode, LineCounter, parseDocument } from 'yaml'
import { CodedError } from '../core/errors'
import { playbookSchema, type Playbook } from '../core/playbooks/schema'

export type PlaybookFileResult = { file: string; ok: true; playbook: Playbook } | { file: string; ok: false; problems: PlaybookProblem[] }

/** One thing wrong with a playbook file: the field (dotted path), its line when known, and what is wrong. */
export interface PlaybookProblem {
  path: string
  line: number | null
  message: string
}

/** Parses and validates every *.yaml / *.yml in `dir`, one result per file, sorted by name. */
export function checkPlaybookFiles(dir: string): PlaybookFileResult[] {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
  const results: PlaybookFileResult[] = files.map((file) => checkPlaybookFile(join(dir, file), file))
  // Two files with one id would make the catalog ambiguous; report the later one.
  const seen = new Map<string, string>()
  return results.map((result) => {
    if (!result.ok) return result
    const earlier = seen.get(result.playbook.id)
    seen.set(result.playbook.id, result.file)
    return earlier
      ? { file: result.file, ok: false, problems: [{ path: 'id', line: null, message: `id "${result.playbook.id}" is also used by ${earlier}` }] }
      : result
  })
}

function checkPlaybookFile(path: string, file: string): PlaybookFileResult {
  const lineCounter = new LineCounter()
  const doc = parseDocument(readFileSync(path, 'utf8'), { lineCounter })
  if (doc.errors.length) {
    return { file, ok: false, problems: doc.errors.map((e) => ({ path: '(yaml)', line: e.linePos?.[0]?.line ?? null, message: e.message.split('\n')[0]! })) }
  }
  const parsed = playbookSchema.safeParse(doc.toJS())
  if (parsed.success) return { file, ok: true, playbook: parsed.data }
  return {
    file,
    ok: false,
    problems: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(root)',
      line: lineOf(doc, lineCounter, issue.path),
      message: issue.message,
    })),
  }
}

/** The line of the deepest node of `path` that exists in the document (a missing field points at its parent). */
function lineOf(doc: ReturnType<typeof parseDocument>, lines: LineCounter, path: PropertyKey[]): number | null {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true)
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line
  }
  return null
}

export function formatPlaybookProblem(file: string, p: PlaybookProblem): string {
  return `${file}${p.line ? `:${p.line}` : ''}: ${p.path}: ${p.message}`
}

/** Loads and validates every playbooks/*.yaml; one bad file stops start-up, naming the file and field. */
export function loadPlaybookFiles(dir: string): Playbook[] {
  const results = checkPlaybookFiles(dir)
  const problems = results.flatMap((r) => (r.ok ? [] : r.problems.map((p) => formatPlaybookProblem(r.file, p))))
  if (problems.length) throw new CodedError('playbook_invalid', `invalid playbooks:\n${problems.join('\n')}`, { problems })
  return results.flatMap((r) => (r.ok ? [r.playbook] : []))
}
