import type { Playbook } from './schema'

/** The kinds of edit the bot proposes from a playbook's figures. */
export const PLAYBOOK_EDIT_KINDS = ['drop-step', 'move-step', 'add-query', 'raise-threshold', 'add-approval'] as const
export type PlaybookEditKind = (typeof PLAYBOOK_EDIT_KINDS)[number]

/**
 * A concrete edit to one version of a playbook, proposed from its effectiveness figures
 * (core/playbooks/playbook-effectiveness.ts) and decided by the playbook's owners.
 * `edited` is the whole new definition; the YAML diff is rendered from `base` and `edited`.
 */
export interface PlaybookEditSuggestion {
  playbookId: string
  /** The version the edit applies to: an edit of an older version is stale and is not applied. */
  baseVersion: number
  kind: PlaybookEditKind
  /** One line: "drop step check-dns: ran 14 times, decided none". */
  summary: string
  /** The figures behind it, one line each, with the number of runs they come from. */
  evidence: string[]
  base: Playbook
  edited: Playbook
}
