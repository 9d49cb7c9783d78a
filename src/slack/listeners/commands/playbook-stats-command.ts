import type { RespondFn } from '@slack/bolt'
import { computePlaybookEffectiveness } from '../../../core/playbooks/playbook-effectiveness'
import { DEFAULT_SUGGESTION_THRESHOLDS, suggestPlaybookEdits } from '../../../core/playbooks/suggest-playbook-edits'
import { truncateText } from '../../../core/truncate-text'
import { loadHandRunLogQueries, loadPlaybookHistory } from '../../../storage/repositories/playbook-effectiveness'
import { escapeMrkdwn } from '../../blocks/block-kit'
import { buildPlaybookStatsDetail, buildPlaybookStatsOverview } from '../../blocks/playbook-stats-blocks'
import type { ListenerDeps } from '../listener-deps'

/**
 * `/sre playbook-stats [playbook]`: every playbook ranked by how often its actions fixed the incident, or one playbook's
 * figures by version and step with the edits they suggest. Read from storage in the listener, answered to the user only.
 */
export async function answerPlaybookStats(deps: Pick<ListenerDeps, 'db' | 'playbooks'>, playbookId: string | null, respond: RespondFn): Promise<void> {
  const history = await loadPlaybookHistory(deps.db, playbookId ? { playbookId } : {})
  const figures = computePlaybookEffectiveness(history)
  if (!playbookId) {
    await respond({ response_type: 'ephemeral', ...buildPlaybookStatsOverview(figures) })
    return
  }
  const one = figures.find((f) => f.playbookId === playbookId)
  if (!one) {
    const name = `\`${escapeMrkdwn(truncateText(playbookId, 100))}\``
    await respond({ response_type: 'ephemeral', text: `There is no playbook ${name} and no run of one; \`/sre playbooks\` lists them.` })
    return
  }
  // The live definition: what the runner uses now (the stored catalogue, else the files this process loaded).
  const current = history.playbooks.find((p) => p.id === playbookId)?.definition ?? deps.playbooks.find((p) => p.id === playbookId)
  const handQueries = current ? await loadHandRunLogQueries(deps.db, history, playbookId, current.version) : []
  const suggestions = current ? suggestPlaybookEdits(one, current, DEFAULT_SUGGESTION_THRESHOLDS, handQueries) : []
  await respond({ response_type: 'ephemeral', ...buildPlaybookStatsDetail(one, suggestions) })
}
