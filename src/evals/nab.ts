import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { scoreMetricSeries } from '../core/analysis/anomaly/score-metric-series'
import type { ScoredSeries } from './nab/nab-types'
import { scoreNabCorpus, type ProfileResult } from './nab/score-nab-corpus'
import { readFlags, UsageError, type CliCommand } from '../commands/command'
import { CodedError, errorMessage } from '../core/errors'
import { checkScorerReproduction, REPRODUCTION_TOLERANCE } from './nab/check-scorer-reproduction'
import { crossValidateByCategory, DETECTOR_GRID, isDefaultConfig } from './nab/cross-validate-by-category'
import { compareDetectorVariants, DETECTOR_VARIANTS, type DetectorVariant } from './nab/compare-detector-variants'
import type { CostMatrix } from './nab/nab-types'
import { optimizeCorpusThreshold } from './nab/optimize-corpus-threshold'
import { readDetectorResults, readNabCorpus, readProfiles, readThresholds, type NabSeries } from './nab/read-nab-corpus'
import { sweepSeries } from './nab/sweep-series'
import { NAB_PROFILES, syntheticNabCorpus, writeNabCorpus } from './nab/synthetic-nab-corpus'

const USAGE =
  'sre-agent eval nab --data <nab>/data --labels <nab>/labels/combined_windows.json --out <results dir> ' +
  '[--profiles <nab>/config/profiles.json] [--thresholds <nab>/config/thresholds.json] [--numenta <nab>/results/numenta] [--cross-validate] [--ablate]\n' +
  '       sre-agent eval nab --synthetic <seed> --out <dir> [--data <nab>/data --labels <nab>/labels/combined_windows.json] [--ablate]'

const command: CliCommand = {
  summary: 'NAB: our streaming anomaly detector vs Numenta HTM, scored by our NAB scorer (checked against NAB)',
  usage: USAGE,
  async run(args) {
    try {
      return await evaluate(args)
    } catch (err) {
      // Bad or missing dataset files are the user's to fix: say which, without a stack trace.
      const code = (err as { code?: unknown }).code
      if (!(err instanceof CodedError) && typeof code !== 'string') throw err
      if (err instanceof UsageError) throw err
      process.stderr.write(`sre-agent eval nab: ${errorMessage(err)}${err instanceof CodedError ? ` [${err.code}]` : ''}\n`)
      return 1
    }
  },
}

async function evaluate(args: string[]): Promise<number> {
  // A bare switch: readFlags only knows flags with values.
  const crossValidate = args.includes('--cross-validate')
  const ablate = args.includes('--ablate')
  const flags = readFlags(
    args.filter((a) => a !== '--cross-validate' && a !== '--ablate'),
    { data: {}, labels: {}, out: { required: true }, profiles: {}, thresholds: {}, numenta: {}, synthetic: {} },
  )
  if (flags.synthetic !== undefined) return evaluateSynthetic(flags, ablate)
  if (!flags.data || !flags.labels) throw new UsageError(`--data and --labels are required (or --synthetic <seed>)\n${USAGE}`)
  const nabRoot = dirname(resolve(flags.data!))
  const profiles = await readProfiles(flags.profiles ?? join(nabRoot, 'config/profiles.json'))
  const published = await readThresholds(flags.thresholds ?? join(nabRoot, 'config/thresholds.json'))
  const numentaDir = flags.numenta ?? join(nabRoot, 'results/numenta')
  const corpus = await readNabCorpus(flags.data!, flags.labels!)
  const out = process.stdout
  const pointCount = corpus.reduce((sum, s) => sum + s.values.length, 0)
  const windowCount = corpus.reduce((sum, s) => sum + s.windows.length, 0)
  out.write(`NAB: ${corpus.length} series, ${pointCount.toLocaleString('en')} points, ${windowCount} anomaly windows (${flags.data})\n\n`)

  // Our detector, one fresh instance per series, point by point.
  const { ours, detectSeconds } = await scoreAndWriteCorpus(corpus, flags.out!)

  // Numenta HTM's published output on the same files.
  const numenta = await Promise.all(
    corpus.map(async (s) => {
      const [category, file] = s.path.split('/') as [string, string]
      const results = await readDetectorResults(join(numentaDir, category, `numenta_${file}`))
      if (results.timestamps.length !== s.timestamps.length || results.timestamps.some((t, r) => t !== s.timestamps[r]))
        throw new CodedError('nab_results_mismatch', `${s.path}: Numenta's results file does not have the data file's rows`)
      return { name: s.path, timestamps: s.timestamps, windows: s.windows, anomalyScores: results.anomalyScores, rowScores: results.rowScores }
    }),
  )
  const numentaThresholds = published.numenta
  if (!numentaThresholds) throw new CodedError('nab_thresholds_missing', 'thresholds file has no "numenta" entry')

  out.write(
    "Scorer check: Numenta's output scored at its published thresholds vs NAB's own per-file scores " +
      `(sum of S(t)_<profile>), tolerance ${REPRODUCTION_TOLERANCE}\n`,
  )
  const checks = checkScorerReproduction(numenta, profiles, Object.fromEntries(Object.entries(numentaThresholds).map(([p, v]) => [p, v.threshold])))
  for (const c of checks) {
    out.write(
      `  ${c.profile.padEnd(20)} threshold ${c.threshold.toFixed(4)}  ${c.filesWithin}/${c.files} files within ${REPRODUCTION_TOLERANCE}  ` +
        `max |diff| per file ${c.maxFileDifference.toExponential(1)}, per row ${c.maxRowDifference.toExponential(1)}\n`,
    )
  }
  const reproduced = checks.every((c) => c.filesWithin === c.files)
  out.write(`  => ${reproduced ? 'the scorer reproduces NAB' : 'MISMATCH: the scorer does not reproduce NAB'}\n\n`)

  const ourResults = scoreNabCorpus(ours, profiles)
  const numentaResults = scoreNabCorpus(numenta, profiles)
  out.write('NAB scores on these files (null detector = 0, perfect = 100; one threshold per profile, optimised over the corpus for each detector)\n')
  const columns = `${'raw'.padStart(7)} ${'threshold'.padStart(9)} ${'windows'.padStart(7)} ${'FP rows'.padStart(7)}`
  out.write(`  ${'profile'.padEnd(20)} ${'sre-agent'.padStart(9)} ${columns}   ${'Numenta HTM'.padStart(11)} ${columns}   null / perfect raw\n`)
  for (const [i, ourResult] of ourResults.entries()) {
    const theirs = numentaResults[i]!
    out.write(`  ${ourResult.profile.padEnd(20)} ${describe(ourResult)}   ${describe(theirs, 11)}   ${ourResult.nullRaw} / ${ourResult.perfectRaw}\n`)
  }
  out.write(`\nPer category, standard profile (raw NAB score; windows found/total; FP rows)\n`)
  const standardOurs = ourResults.find((r) => r.profile === 'standard')
  const standardTheirs = numentaResults.find((r) => r.profile === 'standard')
  if (standardOurs && standardTheirs) {
    const categories = [...new Set(corpus.map((s) => s.path.split('/')[0]!))]
    for (const category of categories) {
      out.write(`  ${category.padEnd(22)} sre-agent ${categorySummary(standardOurs, category)}   Numenta ${categorySummary(standardTheirs, category)}\n`)
    }
  }
  if (crossValidate) {
    out.write(
      `\nLeave-one-category-out (${DETECTOR_GRID.length} detector configurations; ` +
        'for each category the configuration and the thresholds are chosen on the other categories)\n',
    )
    const cv = crossValidateByCategory(
      corpus,
      numenta.map((s) => s.anomalyScores),
      profiles,
    )
    for (const fold of cv.folds) {
      const scores = Object.keys(profiles)
        .map((p) => `${p} ${fold.ours[p]!.toFixed(2)}/${fold.numenta[p]!.toFixed(2)}`)
        .join('  ')
      out.write(
        `  ${fold.category.padEnd(22)} picked ${JSON.stringify(fold.picked)}${isDefaultConfig(fold.picked) ? ' (the defaults)' : ''}\n` +
          `  ${''.padEnd(22)} raw sre-agent/Numenta: ${scores}\n`,
      )
    }
    for (const [profile, n] of Object.entries(cv.normalized))
      out.write(`  ${profile.padEnd(20)} held-out normalised: sre-agent ${n.ours.toFixed(2)}, Numenta HTM ${n.numenta.toFixed(2)}\n`)
  }
  if (ablate) {
    out.write('\nRules and combinations (detector fixed; leave-one-category-out chooses only the thresholds)\n')
    printVariants(corpus, [{ name: 'Numenta HTM', anomalyScores: numenta.map((s) => s.anomalyScores) }, ...DETECTOR_VARIANTS], profiles)
  }
  out.write(
    `\nDetector: ${pointCount.toLocaleString('en')} points in ${detectSeconds.toFixed(2)} s ` +
      `(${Math.round(pointCount / detectSeconds).toLocaleString('en')} points/s, one core); ` +
      `scores written to ${flags.out}/<category>/<name>.csv\n`,
  )
  return reproduced ? 0 : 1
}

/** `--synthetic <seed>`: the synthetic fleet's cloud-like series with labelled windows, scored like NAB (no Numenta output exists for them). */
async function evaluateSynthetic(flags: Record<string, string>, ablate: boolean): Promise<number> {
  const seed = Number(flags.synthetic)
  if (!Number.isInteger(seed)) throw new UsageError(`--synthetic takes an integer seed\n${USAGE}`)
  const out = process.stdout
  const profiles = flags.profiles ? await readProfiles(flags.profiles) : NAB_PROFILES
  const corpus = syntheticNabCorpus(seed)
  await writeNabCorpus(corpus, join(flags.out!, 'corpus'))
  const pointCount = corpus.reduce((sum, s) => sum + s.values.length, 0)
  const windowCount = corpus.reduce((sum, s) => sum + s.windows.length, 0)
  out.write(
    `Synthetic fleet (seed ${seed}): ${corpus.length} series, ${pointCount.toLocaleString('en')} points, ${windowCount} anomaly windows ` +
      `(data and labels written to ${flags.out}/corpus)\n\n`,
  )
  const { ours, detectSeconds } = await scoreAndWriteCorpus(corpus, flags.out!)
  const columns = `${'raw'.padStart(7)} ${'threshold'.padStart(9)} ${'windows'.padStart(7)} ${'FP rows'.padStart(7)}`
  out.write(`Threshold optimised on these series (in sample)\n  ${'profile'.padEnd(20)} ${'sre-agent'.padStart(9)} ${columns}\n`)
  for (const r of scoreNabCorpus(ours, profiles)) out.write(`  ${r.profile.padEnd(20)} ${describe(r)}\n`)
  if (flags.data && flags.labels) {
    // The thresholds NAB's files choose, applied unchanged: nothing about these series was seen.
    const nab = await readNabCorpus(flags.data, flags.labels)
    const nabScored = nab.map((s) => ({
      swept: sweepSeries(s.timestamps, s.windows),
      anomalyScores: detectorScores(s),
    }))
    const thresholds = Object.fromEntries(Object.entries(profiles).map(([p, cost]) => [p, optimizeCorpusThreshold(nabScored, cost).threshold]))
    out.write(`\nAt the thresholds optimised on NAB (${flags.data}; ${nab.length} series)\n  ${'profile'.padEnd(20)} ${'sre-agent'.padStart(9)} ${columns}\n`)
    for (const r of scoreNabCorpus(ours, profiles, { thresholds })) out.write(`  ${r.profile.padEnd(20)} ${describe(r)}\n`)
    if (ablate) {
      out.write('\nLeave-one-category-out over NAB and the synthetic categories together (thresholds chosen on the other nine)\n')
      printVariants([...nab, ...corpus], DETECTOR_VARIANTS, profiles)
    }
  }
  out.write('\nPer category, standard profile, in sample (raw NAB score; windows found/total; FP rows)\n')
  const standard = scoreNabCorpus(ours, { standard: profiles.standard ?? Object.values(profiles)[0]! })[0]!
  for (const category of [...new Set(corpus.map((s) => s.path.split('/')[0]!))]) out.write(`  ${category.padEnd(22)} ${categorySummary(standard, category)}\n`)
  out.write('\nLeave-one-category-out over the synthetic categories (thresholds chosen on the other categories)\n')
  printVariants(corpus, ablate ? DETECTOR_VARIANTS : DETECTOR_VARIANTS.slice(0, 1), profiles)
  out.write(
    `\nDetector: ${pointCount.toLocaleString('en')} points in ${detectSeconds.toFixed(2)} s ` +
      `(${((detectSeconds * 1e6) / pointCount).toFixed(1)} µs per point, one core); scores written to ${flags.out}/<category>/<name>.csv\n`,
  )
  return 0
}

/** The default detector's score at each point of a series (a fresh detector instance). */
function detectorScores(s: NabSeries): number[] {
  return scoreMetricSeries(s.timestamps.map((timestamp, i) => ({ timestamp, value: s.values[i]! }))).map((p) => p!.score)
}

/** Runs the default detector over each series (timed) and writes `<out>/<category>/<name>.csv` with its scores, in NAB's results format. */
async function scoreAndWriteCorpus(corpus: readonly NabSeries[], outDir: string): Promise<{ ours: ScoredSeries[]; detectSeconds: number }> {
  const started = performance.now()
  const ours: ScoredSeries[] = corpus.map((s) => ({ name: s.path, timestamps: s.timestamps, windows: s.windows, anomalyScores: detectorScores(s) }))
  const detectSeconds = (performance.now() - started) / 1000
  for (const [i, s] of corpus.entries()) {
    const file = join(outDir, s.path)
    await mkdir(dirname(file), { recursive: true })
    const scores = ours[i]!.anomalyScores
    await writeFile(file, `timestamp,value,anomaly_score\n${s.rawTimestamps.map((t, r) => `${t},${s.rawValues[r]},${scores[r]}`).join('\n')}\n`)
  }
  return { ours, detectSeconds }
}

function printVariants(
  corpus: readonly NabSeries[],
  variants: ReadonlyArray<DetectorVariant & { anomalyScores?: number[][] }>,
  profiles: Record<string, CostMatrix>,
) {
  const out = process.stdout
  const triple = (o: Record<string, number>) =>
    Object.keys(profiles)
      .map((p) => o[p]!.toFixed(2).padStart(6))
      .join(' /')
  out.write(
    `  ${'variant'.padEnd(27)} ${'in sample (std / lowFP / lowFN)'.padEnd(31)} ${'held out'.padEnd(24)} gap std  µs/pt  per held-out category (std raw)\n`,
  )
  for (const r of compareDetectorVariants(corpus, variants, profiles)) {
    const categories = Object.entries(r.perCategory)
      .map(([c, p]) => `${c} ${p.standard?.toFixed(2) ?? '-'}`)
      .join(', ')
    const gap = (r.inSample.standard ?? 0) - (r.heldOut.standard ?? 0)
    const cost = r.microsecondsPerPoint > 0 ? r.microsecondsPerPoint.toFixed(1) : '-'
    const figures = `${triple(r.inSample).padEnd(31)} ${triple(r.heldOut).padEnd(24)} ${gap.toFixed(2).padStart(7)} ${cost.padStart(6)}`
    out.write(`  ${r.name.padEnd(27)} ${figures}  ${categories}\n`)
  }
}

function describe(result: ProfileResult, width = 9): string {
  return (
    `${result.normalized.toFixed(2).padStart(width)} ${result.raw.toFixed(2).padStart(7)} ${result.threshold.toFixed(4).padStart(9)} ` +
    `${`${result.detectedWindows}/${result.detectedWindows + result.missedWindows}`.padStart(7)} ${String(result.falsePositiveRows).padStart(7)}`
  )
}

function categorySummary(result: ProfileResult, category: string): string {
  const series = result.perSeries.filter((s) => s.name.startsWith(`${category}/`))
  const raw = series.reduce((sum, s) => sum + s.score, 0)
  const found = series.reduce((sum, s) => sum + s.detectedWindows, 0)
  const total = found + series.reduce((sum, s) => sum + s.missedWindows, 0)
  const fp = series.reduce((sum, s) => sum + s.falsePositiveRows, 0)
  return `${raw.toFixed(2).padStart(7)} ${`${found}/${total}`.padStart(5)} ${String(fp).padStart(4)}`
}

export default command
