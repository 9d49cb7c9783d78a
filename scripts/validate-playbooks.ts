import { resolve } from 'node:path'
import { checkPlaybookFiles, formatPlaybookProblem } from '../src/storage/playbook-files'

/**
 * Validates every playbooks/*.yaml against the playbook schema.
 * Usage: node --import tsx scripts/validate-playbooks.ts [dir]   (default: playbooks)
 * Prints "ok <id>" per valid file and "<file>:<line>: <path>: <message>" per problem; exits 1 on any problem.
 */
const dir = resolve(process.argv[2] ?? 'playbooks')
const results = checkPlaybookFiles(dir)
let failed = 0
for (const result of results) {
  if (result.ok) {
    console.log(`ok ${result.playbook.id}`)
    continue
  }
  failed++
  for (const problem of result.problems) console.error(formatPlaybookProblem(result.file, problem))
}
if (results.length === 0) {
  console.error(`no playbooks found in ${dir}`)
  process.exitCode = 1
} else if (failed) {
  console.error(`${failed} of ${results.length} playbooks invalid`)
  process.exitCode = 1
}
