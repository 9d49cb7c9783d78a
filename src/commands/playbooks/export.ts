import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { playbookJsonSchema } from '../../core/playbooks/playbook-json-schema'
import { sameDefinition } from '../../core/playbooks/playbook-versions'
import { playbookToYaml } from '../../core/playbooks/playbook-yaml'
import { playbookSchema, type Playbook } from '../../core/playbooks/schema'
import { CodedError } from '../../core/errors'
import { loadCommandConfig, readFlags, UsageError, type CliCommand } from '../command'

const USAGE = `sre-agent playbooks export --out <dir>

Writes the current version of every playbook stored in DATABASE_URL (an approved edit or a revert included) as
<dir>/<id>.yaml, with playbooks/schema.json beside them for editors, so a team that keeps its playbooks in git
can commit them. Each file is read back through the playbook schema before it is written. Loading a written file
again (PLAYBOOKS_DIR) creates no new version: it says what the current version says.`

/** The YAML of a playbook, checked to read back as the same playbook. */
export function exportedYaml(playbook: Playbook): string {
  const yaml = playbookToYaml(playbook)
  const back = playbookSchema.safeParse(parse(yaml))
  if (!back.success || !sameDefinition(back.data, playbook) || back.data.version !== playbook.version)
    throw new CodedError('playbook_invalid', `${playbook.id} v${playbook.version} does not read back as itself from YAML`)
  return yaml
}

const command: CliCommand = {
  summary: 'write the current version of every playbook as YAML files',
  usage: USAGE,
  async run(args) {
    if (args[0] === '--help' || args[0] === '-h') throw new UsageError(USAGE)
    const flags = readFlags(args, { out: { required: true } })
    const config = loadCommandConfig('playbooks export')
    if (!config) return 78 // EX_CONFIG
    if (config.DATABASE_URL === 'pglite://memory') {
      process.stderr.write('sre-agent playbooks export: DATABASE_URL is not set (or names an in-memory database): no stored playbooks to export\n')
      return 78
    }
    const [{ openDatabase }, { listCurrentPlaybooks }] = await Promise.all([
      import('../../storage/database'),
      import('../../storage/repositories/playbook-versions'),
    ])
    const handle = await openDatabase(config.DATABASE_URL, { poolSize: 2 })
    try {
      const playbooks = await listCurrentPlaybooks(handle.db)
      const files = playbooks.map((p) => ({ name: `${p.id}.yaml`, text: exportedYaml(p), version: p.version }))
      await mkdir(flags.out!, { recursive: true })
      for (const f of files) await writeFile(join(flags.out!, f.name), f.text)
      await writeFile(join(flags.out!, 'schema.json'), `${JSON.stringify(playbookJsonSchema(), null, 2)}\n`)
      for (const f of files) process.stdout.write(`${f.name} v${f.version}\n`)
      process.stdout.write(`${files.length} playbooks → ${flags.out}\n`)
      return 0
    } finally {
      await handle.close()
    }
  },
}
export default command
