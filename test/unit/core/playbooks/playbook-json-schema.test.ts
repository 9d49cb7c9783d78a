import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { playbookJsonSchema } from '../../../../src/core/playbooks/playbook-json-schema'

describe('playbooks/schema.json', () => {
  it('is the JSON Schema derived from the zod schema (run `npm run playbooks:schema` after changing it)', () => {
    const committed = JSON.parse(readFileSync('playbooks/schema.json', 'utf8'))
    expect(committed).toEqual(JSON.parse(JSON.stringify(playbookJsonSchema())))
  })

  it('describes every step kind', () => {
    const kinds = JSON.stringify(playbookJsonSchema())
    for (const kind of ['query', 'approval', 'action', 'notify']) expect(kinds).toContain(`"const":"${kind}"`)
  })
})
