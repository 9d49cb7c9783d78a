import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { CodedError } from '../core/errors'
import { playbookSchema, type Playbook } from '../core/playbooks/schema'

/** Loads and validates every playbooks/*.yaml; one bad file stops start-up, naming the file and field. */
export function loadPlaybookFiles(dir: string): Playbook[] {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()
  const problems: string[] = []
  const playbooks: Playbook[] = []
  for (const file of files) {
    const parsed = playbookSchema.safeParse(parse(readFileSync(join(dir, file), 'utf8')))
    if (parsed.success) playbooks.push(parsed.data)
    else problems.push(...parsed.error.issues.map((i) => `${file}: ${i.path.join('.')}: ${i.message}`))
  }
  if (problems.length) throw new CodedError('playbook_invalid', `invalid playbooks:\n${problems.join('\n')}`, { problems })
  return playbooks
}
