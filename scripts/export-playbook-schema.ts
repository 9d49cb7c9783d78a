import { writeFileSync } from 'node:fs'
import { playbookJsonSchema } from '../src/core/playbooks/playbook-json-schema'

/** Writes playbooks/schema.json from the zod schema. Usage: npm run playbooks:schema */
const target = process.argv[2] ?? 'playbooks/schema.json'
writeFileSync(target, `${JSON.stringify(playbookJsonSchema(), null, 2)}\n`)
console.log(`wrote ${target}`)
