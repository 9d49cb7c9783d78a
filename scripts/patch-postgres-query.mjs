// Run after `npm install` / `npm ci` (package.json "postinstall"). postgres.js (3.4.x) gives every query two arrow
// functions made in its constructor (`this.resolve = x => …`, `this.reject = x => …`). Awaited one after another, such
// queries and their results were kept alive through each young-generation collection of V8 until the next full one:
// ≈ 18 MB surviving each scavenge and 25 ms pauses in a loop of 50-row queries, ≈ 10 ms pauses every ≈ 14 searches in
// bench:search. With the two as prototype methods over stored functions, the same loop keeps ≈ 0 MB and pauses 0.4 ms
// (docs/benchmarks/retrieval.md). The source is rewritten in place, once; a version without those lines is left as it is.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const MARK = '/* sre-agent: resolve/reject as methods */'
const CONSTRUCTOR_LINES = `    this.resolve = x => (this.active = false, resolve(x))
    this.reject = x => (this.active = false, reject(x))
`
const STORED = `    this.settle = { resolve, reject } ${MARK}
`
const METHODS = `  resolve(x) { this.active = false; this.settle.resolve(x) }
  reject(x) { this.active = false; this.settle.reject(x) }

  get origin() {`

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'postgres')
let patched = 0
for (const variant of ['src', 'cjs/src', 'cf/src']) {
  const file = join(root, variant, 'query.js')
  if (!existsSync(file)) continue
  const source = readFileSync(file, 'utf8')
  if (source.includes(MARK)) continue
  if (!source.includes(CONSTRUCTOR_LINES) || !source.includes('  get origin() {')) {
    console.warn(`patch-postgres-query: ${file} does not have the expected lines (another postgres.js version?); left as it is`)
    continue
  }
  writeFileSync(file, source.replace(CONSTRUCTOR_LINES, STORED).replace('  get origin() {', METHODS))
  patched++
}
if (patched > 0) console.log(`patch-postgres-query: ${patched} file(s) patched`)
