import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { CodedError } from '../core/errors'
import { playbookSchema, type Playbook } from '../core/playbooks/schema'

export type PlaybookFileResult =
  | { file: string; ok: true; playbook: Playbook }
  | { file: string; ok: false; problems: Array<{ path: string; message: string }> }

/** Parses and validates every *.yaml / *.yml in `dir`, one result per file, sorted by name. */
export function checkPlaybookFiles(dir: string): PlaybookFileResult[] {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()
  const results: PlaybookFileResult[] = files.map((file) => checkPlaybookFile(join(dir, file), file))
  // Two files with one id would make the catalog ambiguous; report the later one.
  const seen = new Map<string, string>()
  return results.map((result) => {
    if (!result.ok) return result
    const earlier = seen.get(result.playbook.id)
    seen.set(result.playbook.id, result.file)
    return earlier ? { file: result.file, ok: false, problems: [{ path: 'id', message: `id "${result.playbook.id}" is also used by ${earlier}` }] } : result
  })
}

function checkPlaybookFile(path: string, file: string): PlaybookFileResult {
  let document: unknown
  try {
    document = parse(readFileSync(path, 'utf8'))
  } catch (err) {
    return { file, ok: false, problems: [{ path: '(yaml)', message: err instanceof Error ? err.message : String(err) }] }
  }
  const parsed = playbookSchema.safeParse(document)
  if (parsed.success) return { file, ok: true, playbook: parsed.data }
  return {
    file,
    ok: false,
    problems: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message })),
  }
}

/** Loads and validates every playbooks/*.yaml; one bad file stops start-up, naming the file and field. */
export function loadPlaybookFiles(dir: string): Playbook[] {
  const results = checkPlaybookFiles(dir)
  const problems = results.flatMap((r) => (r.ok ? [] : r.problems.map((p) => `${r.file}: ${p.path}: ${p.message}`)))
  if (problems.length) throw new CodedError('playbook_invalid', `invalid playbooks:\n${problems.join('\n')}`, { problems })
  return results.flatMap((r) => (r.ok ? [r.playbook] : []))
}
