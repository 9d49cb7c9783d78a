import { z } from 'zod'
import { playbookSchema } from './schema'

/**
 * The JSON Schema editors use to check playbooks/*.yaml as they are written
 * (yaml-language-server). Derived from the zod schema, so the two cannot drift;
 * cross-step rules (every action gated, ids unique) are checked by the validator.
 */
export function playbookJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(playbookSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://github.com/sre-agent/sre-agent/playbooks/schema.json',
    title: 'sre-agent playbook',
  }
}
