import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { proposeEditJobId } from '../../core/jobs/job-queue'
import { playbookEditSuggestionSchema } from '../../core/playbooks/playbook-proposal'
import { loadCommandConfig, readFlags, UsageError, type CliCommand } from '../command'

const USAGE = `sre-agent playbooks propose --file <suggestions.json>

Queues a playbook.propose-edit job for each suggestion in the file (one PlaybookEditSuggestion, or an array of
them, as core/playbooks/playbook-edit-suggestion.ts describes): a worker posts each to the playbook's owners in
PLAYBOOK_CHANNEL (else INCIDENT_CHANNEL) with its YAML diff and Approve / Reject buttons. An edit already proposed
for the same version is skipped. Needs DATABASE_URL and REDIS_URL (the workers' queue).`

const suggestionListSchema = z.array(playbookEditSuggestionSchema).min(1)

const command: CliCommand = {
  summary: 'post edits suggested for playbooks to their owners',
  usage: USAGE,
  async run(args) {
    if (args[0] === '--help' || args[0] === '-h') throw new UsageError(USAGE)
    const flags = readFlags(args, { file: { required: true } })
    const fail = (line: string, code: number) => {
      process.stderr.write(`sre-agent playbooks propose: ${line}\n`)
      return code
    }
    let raw: unknown
    try {
      raw = JSON.parse(await readFile(flags.file!, 'utf8'))
    } catch (err) {
      return fail(`cannot read ${flags.file} as JSON: ${(err as Error).message}`, 1)
    }
    // A list, or one suggestion alone; each checked on its own schema so the problems name their fields.
    const parsed = suggestionListSchema.safeParse(Array.isArray(raw) ? raw : [raw])
    if (!parsed.success) {
      const problems = parsed.error.issues.slice(0, 10).map((i) => `  ${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
      return fail(`${flags.file} is not a suggestion or a list of them:\n${problems.join('\n')}`, 1)
    }
    const config = loadCommandConfig('playbooks propose')
    if (!config) return 78 // EX_CONFIG
    if (!config.REDIS_URL || config.DATABASE_URL === 'pglite://memory')
      return fail('needs DATABASE_URL and REDIS_URL: the proposals are stored there and posted by the workers', 78)
    const [{ openDatabase }, { proposalDedupeKey, wasProposed }, { BullmqJobQueue }] = await Promise.all([
      import('../../storage/database'),
      import('../../storage/repositories/playbook-versions'),
      import('../../workers/bullmq-queue'),
    ])
    const handle = await openDatabase(config.DATABASE_URL, { poolSize: 2 })
    const queue = new BullmqJobQueue(config.REDIS_URL, config.QUEUE_PREFIX)
    try {
      let queued = 0
      const seen = new Set<string>()
      for (const suggestion of parsed.data) {
        const what = `${suggestion.playbookId} v${suggestion.baseVersion}: ${suggestion.summary}`
        const key = proposalDedupeKey(suggestion)
        if (seen.has(key) || (await wasProposed(handle.db, suggestion))) {
          process.stdout.write(`already proposed  ${what}\n`)
          continue
        }
        seen.add(key)
        await queue.enqueue('playbook.propose-edit', suggestion, { jobId: proposeEditJobId(suggestion, key) })
        process.stdout.write(`queued            ${what}\n`)
        queued++
      }
      process.stdout.write(`${queued} of ${parsed.data.length} suggestions queued\n`)
      return 0
    } finally {
      await queue.close()
      await handle.close()
    }
  },
}
export default command
