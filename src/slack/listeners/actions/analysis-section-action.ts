import { z } from 'zod'
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { incidentLabel } from '../../../core/incidents/incident-label'
import {
  getAnalysisRecord,
  getRetrievalConfidence,
  listStoredSimilarIncidents,
  storedReasoningSteps,
  type AnalysisRecord,
} from '../../../storage/repositories/analyses'
import { claimPostedMessage, releasePostedMessage, settlePostedMessage } from '../../../storage/repositories/audit'
import { getIncident } from '../../../storage/repositories/incidents'
import { buildSimilarIncidentsMessage } from '../../blocks/analysis-blocks'
import {
  ANALYSIS_SECTION_ACTION_ID,
  ANALYSIS_SECTIONS,
  buildEvidenceSectionMessages,
  buildStoredTrailMessages,
  type AnalysisSection,
} from '../../blocks/analysis-summary-blocks'
import type { SlackMessage } from '../../blocks/block-kit'
import type { ListenerDeps } from '../listener-deps'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

const SECTION_NAMES: Record<AnalysisSection, string> = { evidence: 'The evidence', trail: 'The reasoning trail', similar: 'The similar incidents' }

/** What a section button was clicked for, to complete "I could not …". */
export function whatSectionButtonDoes(actionId: string): string {
  const which = actionId.slice(ANALYSIS_SECTION_ACTION_ID.length + 1)
  return `post ${(SECTION_NAMES[which as AnalysisSection] ?? 'this section').toLowerCase()} in the thread`
}

/**
 * Evidence / Reasoning trail / Similar incidents on a compact analysis message: posts that section in
 * full in the incident's thread, read back from storage as `/sre trail` does. Once per analysis and
 * section, however many clicks: the first claims it, the others are told where it is.
 */
export function createAnalysisSectionHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const { tell } = readButtonClick(body, client)
    const which = ANALYSIS_SECTIONS.find((s) => action.action_id === `${ANALYSIS_SECTION_ACTION_ID}:${s}`)
    const analysisId = z.uuid().safeParse(action.value)
    const record = which && analysisId.success ? await getAnalysisRecord(deps.db, analysisId.data) : null
    const incident = record ? await getIncident(deps.db, record.analysis.incidentId) : null
    if (!which || !record || !incident?.slackChannel || !incident.slackTs) return tell(':warning: This analysis no longer exists.')

    const key = `analysis:${record.analysis.id}:shown:${which}`
    if (!(await claimPostedMessage(deps.db, key, incident.slackChannel))) return tell(`${SECTION_NAMES[which]} is already posted in this thread.`)
    try {
      const messages = await sectionMessages(deps, which, record, incidentLabel(incident))
      let first: { channel: string; ts: string } | null = null
      for (const message of messages) {
        const res = await client.chat.postMessage({
          channel: incident.slackChannel,
          thread_ts: incident.slackTs,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
        })
        first ??= { channel: res.channel ?? incident.slackChannel, ts: res.ts! }
      }
      if (first) await settlePostedMessage(deps.db, key, first.channel, first.ts)
    } catch (err) {
      // Nothing or only part of it went out: the next click tries again (answerFailures tells this one why).
      await releasePostedMessage(deps.db, key)
      throw err
    }
  }
}

async function sectionMessages(deps: ListenerDeps, which: AnalysisSection, record: AnalysisRecord, label: string): Promise<SlackMessage[]> {
  const steps = storedReasoningSteps(record)
  switch (which) {
    case 'evidence':
      // All of it, however long; missing sources are on the analysis message and in the trail.
      return buildEvidenceSectionMessages(steps)
    case 'trail': {
      const { status, summary, error, confidence } = record.analysis
      return buildStoredTrailMessages({ steps, outcome: { status, summary, error, confidence }, factors: record.factors }, `Reasoning trail of ${label}`)
    }
    case 'similar': {
      const matches = await listStoredSimilarIncidents(deps.db, record)
      const probability = await getRetrievalConfidence(deps.db, record.analysis.id)
      const retrieval =
        probability === null
          ? undefined
          : { notes: [], confident: matches.length > 0 && probability >= deps.config.CONFIDENCE_THRESHOLD, confidence: { probability } }
      return [buildSimilarIncidentsMessage(matches, retrieval)]
    }
  }
}
