import type { JobHandlers } from './jobs'
import { processAdvancePlaybook } from './processors/advance-playbook'
import { processAnalyzeCommand } from './processors/analyze-command'
import { processAnalyzeIncident } from './processors/analyze-incident'
import { processApprovalDecided, processApprovalExpire } from './processors/approval-decisions'
import { processPlaybookCancelled, processRunCommand } from './processors/playbook-commands'
import { processReembedHistory } from './processors/reembed-history'
import { processHistoryPrune } from './processors/prune-history'
import { processIncidentResolved } from './processors/resolve-incident'
import { processTelemetryScan } from './processors/telemetry-scan'
import type { WorkerDeps } from './worker-deps'

/** The job handlers, shared by the BullMQ workers and the embedded in-process queue. */
export function createJobHandlers(deps: WorkerDeps): JobHandlers {
  return {
    'incident.analyze': (data) => processAnalyzeIncident(deps, data),
    'incident.resolved': (data) => processIncidentResolved(deps, data),
    'command.analyze': (data) => processAnalyzeCommand(deps, data),
    'playbook.advance': (data, meta) => processAdvancePlaybook(deps, data, meta),
    'approval.decided': (data) => processApprovalDecided(deps, data),
    'approval.expire': (data) => processApprovalExpire(deps, data),
    'playbook.cancelled': (data) => processPlaybookCancelled(deps, data),
    'command.run': (data) => processRunCommand(deps, data),
    'history.reembed': async (data) => { await processReembedHistory(deps, data) },
    'telemetry.scan': (_data, meta) => processTelemetryScan(deps, meta),
    'history.prune': () => processHistoryPrune(deps),
  }
}
