import { computePlaybookEffectiveness, type PlaybookFigures } from '../core/playbooks/playbook-effectiveness'
import { figureLines, playbookHeadline, stepLine, versionLine } from '../core/playbooks/playbook-effectiveness-lines'
import type { PlaybookEditSuggestion } from '../core/playbooks/playbook-edit-suggestion'
import { DEFAULT_SUGGESTION_THRESHOLDS, suggestPlaybookEdits } from '../core/playbooks/suggest-playbook-edits'
import { type CliCommand, loadCommandConfig, readFlags, UsageError } from './command'

const USAGE = `sre-agent playbooks stats [--playbook <id>] [--json]

Prints how well each playbook works, from its runs and the resolutions recorded in DATABASE_URL: runs, how often its
actions fixed the incident (worked / partly / failed / fixed otherwise / not recorded), time to mitigate against incidents
of the same service (or alert policy / error signature) without it, approval latency, and a worked rate with its 95 %
interval that ranks them (a playbook needs a few runs with a recorded outcome first). With --playbook: each version, the
current version's steps (ran, failed, skipped, decisive, median time) and the edits its figures suggest.
--json writes the same figures as JSON.`

const command: CliCommand = {
  summary: 'how often each playbook fixed the incident, by version and step, with suggested edits',
  usage: USAGE,
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) throw new UsageError(USAGE)
    const json = args.includes('--json')
    const flags = readFlags(
      args.filter((a) => a !== '--json'),
      { playbook: {} },
    )
    const config = loadCommandConfig('playbooks stats')
    if (!config) return 78 // EX_CONFIG
    if (config.DATABASE_URL === 'pglite://memory') {
      process.stderr.write('sre-agent playbooks stats: DATABASE_URL is not set (or names an in-memory database, empty at every start): no runs to read\n')
      return 78
    }
    const [{ openDatabase }, { loadHandRunLogQueries, loadPlaybookHistory }] = await Promise.all([
      import('../storage/database'),
      import('../storage/repositories/playbook-effectiveness'),
    ])
    const handle = await openDatabase(config.DATABASE_URL, { poolSize: 2 })
    try {
      const history = await loadPlaybookHistory(handle.db, flags.playbook ? { playbookId: flags.playbook } : {})
      const figures = computePlaybookEffectiveness(history)
      if (flags.playbook && figures.length === 0) {
        process.stderr.write(`sre-agent playbooks stats: there is no playbook "${flags.playbook}" and no run of one in this database\n`)
        return 1
      }
      const suggestions = new Map<string, PlaybookEditSuggestion[]>()
      for (const f of figures) {
        const current = history.playbooks.find((p) => p.id === f.playbookId)?.definition
        const handQueries = current ? await loadHandRunLogQueries(handle.db, history, f.playbookId, current.version) : []
        suggestions.set(f.playbookId, current ? suggestPlaybookEdits(f, current, DEFAULT_SUGGESTION_THRESHOLDS, handQueries) : [])
      }
      process.stdout.write(json ? `${JSON.stringify(asJson(figures, suggestions), null, 2)}\n` : asText(figures, suggestions, Boolean(flags.playbook)))
      return 0
    } finally {
      await handle.close()
    }
  },
}

/** The figures without the definitions they were counted against (the suggestions carry the ones they edit). */
function asJson(figures: PlaybookFigures[], suggestions: Map<string, PlaybookEditSuggestion[]>) {
  return {
    playbooks: figures.map((f) => ({
      ...f,
      versions: f.versions.map(({ definition: _definition, ...v }) => v),
      suggestions: suggestions.get(f.playbookId) ?? [],
    })),
  }
}

function asText(figures: PlaybookFigures[], suggestions: Map<string, PlaybookEditSuggestion[]>, detail: boolean): string {
  const out: string[] = []
  for (const f of figures) {
    out.push(playbookHeadline(f), ...figureLines(f.all).map((l) => `  ${l}`))
    if (detail) {
      out.push('  versions:', ...f.versions.map((v) => `    ${versionLine(v, f.currentVersion)}`))
      const current = f.versions.find((v) => v.version === f.currentVersion)
      if (current && current.runs > 0) out.push(`  steps of v${current.version}:`, ...current.steps.map((s) => `    ${stepLine(s)}`))
    }
    const edits = suggestions.get(f.playbookId) ?? []
    if (edits.length) out.push('  suggested edits:')
    for (const s of edits) out.push(`    ${s.summary}`, ...(detail ? s.evidence.map((e) => `      - ${e}`) : []))
    out.push('')
  }
  return `${out.join('\n')}`
}

export default command
