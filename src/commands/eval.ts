import type { CliCommand, CommandRegistry } from './command'

/** `sre-agent eval <benchmark>`: each evaluation reads a public dataset by path and prints its figures. */
export const evaluations: CommandRegistry = {
  // Registered by the analysis engines: duplicates, logparse, nab, petshop.
  capacity: {
    summary: 'next-peak forecast of the capacity analysis on NAB series: MAE beside "same as yesterday\'s / last week\'s peak"',
    load: async () => (await import('../evals/capacity')).default,
  },
  duplicates: {
    summary: 'similar-incident retrieval on GitBugs duplicates: recall@1/5/10, MRR, ECE, Brier beside BM25',
    load: async () => (await import('../evals/duplicates')).default,
  },
  logparse: { summary: 'log-template mining on Loghub-2k: GA, PA, FGA, FTA beside Drain', load: async () => (await import('../evals/logparse')).default },
  nab: {
    summary: 'streaming anomaly detection on NAB (or --synthetic <seed>: the synthetic fleet): standard / low-FP / low-FN scores beside Numenta HTM',
    load: async () => (await import('../evals/nab')).default,
  },
  petshop: {
    summary: 'root-cause localisation on PetShop: top-1/top-3 recall, ECE, false alarms',
    load: async () => (await import('../evals/petshop')).default,
  },
}

const command: CliCommand = {
  summary: 'run an evaluation on a public dataset and print its figures',
  async run(args) {
    const [name = '', ...rest] = args
    const entry = evaluations[name]
    if (!entry) {
      const known = Object.entries(evaluations)
        .map(([n, e]) => `  ${n.padEnd(12)} ${e.summary}`)
        .join('\n')
      process.stderr.write(`${name ? `Unknown evaluation "${name}".` : 'Which evaluation?'}\n\nsre-agent eval <name>:\n${known || '  (none yet)'}\n`)
      return 2
    }
    return (await entry.load()).run(rest)
  },
}
export default command
