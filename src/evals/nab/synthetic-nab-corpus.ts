import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateNabLikeCorpus } from '../../integrations/telemetry/synthetic/nab-like-corpus'
import type { CostMatrix } from './nab-types'
import type { NabSeries } from './read-nab-corpus'

/** NAB's three application profiles (`config/profiles.json` at ea702d7), for runs without the NAB files. */
export const NAB_PROFILES: Record<string, CostMatrix> = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
}

/** NAB's timestamp format, `YYYY-MM-DD HH:MM:SS` (UTC). */
function nabTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
}

/** The synthetic fleet's NAB-like corpus for `seed`, in the shape the NAB evaluation reads. */
export function syntheticNabCorpus(seed: number): NabSeries[] {
  return generateNabLikeCorpus(seed).map((s) => ({
    path: s.path,
    rawTimestamps: s.timestamps.map(nabTimestamp),
    timestamps: s.timestamps,
    rawValues: s.values.map(String),
    values: s.values,
    windows: s.windows,
  }))
}

/** Writes the corpus as NAB's `data/<category>/<name>.csv` and `labels/combined_windows.json` under `dir`. */
export async function writeNabCorpus(corpus: readonly NabSeries[], dir: string): Promise<void> {
  const labels: Record<string, string[][]> = {}
  for (const s of corpus) {
    const file = join(dir, 'data', s.path)
    await mkdir(join(file, '..'), { recursive: true })
    await writeFile(file, `timestamp,value\n${s.rawTimestamps.map((t, i) => `${t},${s.rawValues[i]}`).join('\n')}\n`)
    labels[s.path] = s.windows.map((w) => [`${nabTimestamp(w.start)}.000000`, `${nabTimestamp(w.end)}.000000`])
  }
  await mkdir(join(dir, 'labels'), { recursive: true })
  await writeFile(join(dir, 'labels', 'combined_windows.json'), `${JSON.stringify(labels, null, 2)}\n`)
}
