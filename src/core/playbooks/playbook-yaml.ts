import { stringify } from 'yaml'
import { unifiedDiff } from './line-diff'
import type { Playbook } from './schema'

/** The first line of every written playbook: editors check the file against the JSON Schema beside it. */
export const PLAYBOOK_YAML_HEADER = '# yaml-language-server: $schema=./schema.json'

/** A playbook as the YAML file a team keeps in git (fields in the schema's order, long lines kept whole). */
export function playbookToYaml(playbook: Playbook): string {
  return `${PLAYBOOK_YAML_HEADER}\n${stringify(playbook, { lineWidth: 0 })}`
}

/** The edit from `base` to `edited` as a unified diff of their YAML, each side named by its version. */
export function playbookYamlDiff(base: Playbook, edited: Playbook, editedLabel = 'proposed'): string {
  return unifiedDiff(playbookToYaml(base), playbookToYaml(edited), {
    from: `${base.id}.yaml (v${base.version})`,
    to: `${edited.id}.yaml (${editedLabel})`,
  })
}
