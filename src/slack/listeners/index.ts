import type { App } from '@slack/bolt'
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../blocks/approval-blocks'
import { CANCEL_EXECUTION_ACTION_ID, MANUAL_DONE_ACTION_ID, RUN_PLAYBOOK_ACTION_ID } from '../blocks/playbook-blocks'
import { createApprovalActionHandler } from './actions/approval-action'
import { createCancelExecutionHandler } from './actions/cancel-execution-action'
import { createManualDoneHandler } from './actions/manual-done-action'
import { createRunPlaybookActionHandler } from './actions/run-playbook-action'
import { createSreCommandHandler } from './commands/sre-command'
import { createAppHomeOpenedHandler } from './events/app-home-opened'
import { createAppMentionHandler } from './events/app-mention'
import type { ListenerDeps } from './listener-deps'

export function registerListeners(app: App, deps: ListenerDeps): void {
  app.command('/sre', createSreCommandHandler(deps))
  app.action(APPROVE_ACTION_ID, createApprovalActionHandler(deps, 'approved'))
  app.action(REJECT_ACTION_ID, createApprovalActionHandler(deps, 'rejected'))
  app.action(CANCEL_EXECUTION_ACTION_ID, createCancelExecutionHandler(deps))
  app.action(MANUAL_DONE_ACTION_ID, createManualDoneHandler(deps))
  // One action id per offered playbook (ids must be unique within a message), all starting with the same prefix.
  app.action(new RegExp(`^${RUN_PLAYBOOK_ACTION_ID}:`), createRunPlaybookActionHandler(deps))
  app.event('app_mention', createAppMentionHandler(deps))
  app.event('app_home_opened', createAppHomeOpenedHandler(deps))
}
