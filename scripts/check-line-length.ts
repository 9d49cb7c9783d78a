/**
 * Fails when a line in src/ is longer than the limit: the formatter wraps code at 160 columns,
 * but not strings, comments or template literals, which this catches.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const LIMIT = 160
const ROOTS = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['src']

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* sourceFiles(path)
    else if (entry.name.endsWith('.ts')) yield path
  }
}

let over = 0
for (const root of ROOTS) {
  for (const file of sourceFiles(root)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.length <= LIMIT) return
        over++
        process.stderr.write(`${file}:${i + 1}: ${line.length} characters (limit ${LIMIT})\n`)
      })
  }
}
if (over > 0) {
  process.stderr.write(`${over} line(s) over ${LIMIT} characters\n`)
  process.exit(1)
}
