import type { ActionExecutor, ActionPreview, ActionRequest, ActionResult } from '../../core/playbooks/action-port'

/** Sends each action to the executor for its type; the Kubernetes client is only built when first needed. */
export class RoutingActionExecutor implements ActionExecutor {
  private kubernetes: ActionExecutor | null = null

  constructor(
    private readonly webhook: ActionExecutor,
    private readonly makeKubernetes: () => ActionExecutor,
  ) {}

  preview(request: ActionRequest): Promise<ActionPreview> {
    return this.for(request).preview(request)
  }

  execute(request: ActionRequest, options: { idempotencyKey: string; timeoutMs: number }): Promise<ActionResult> {
    return this.for(request).execute(request, options)
  }

  private for(request: ActionRequest): ActionExecutor {
    if (request.type === 'webhook') return this.webhook
    this.kubernetes ??= this.makeKubernetes()
    return this.kubernetes
  }
}
