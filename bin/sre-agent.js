#!/usr/bin/env node
// Runs the TypeScript CLI. Needs Node >= 22; on an older system Node it re-runs
// itself with the project's own node@24 (installed as a devDependency).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  const bundled = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url))
  if (!existsSync(bundled)) {
    process.stderr.write(`sre-agent needs Node.js 22 or newer (found ${process.version}); run "npm install" to get the project's Node 24.\n`)
    process.exit(1)
  }
  const child = spawn(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli.ts')
}
