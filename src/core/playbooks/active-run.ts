/** A run in one of these states still does or awaits something; any other state is final. */
export const ACTIVE_RUN_STATUSES = ['running', 'waiting_approval', 'waiting_manual'] as const

export function isActiveRun(status: string): boolean {
  return (ACTIVE_RUN_STATUSES as readonly string[]).includes(status)
}
