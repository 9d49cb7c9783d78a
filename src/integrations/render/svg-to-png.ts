import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Resvg } from '@resvg/resvg-js'

const require = createRequire(import.meta.url)
/** The one font pictures are drawn with, shipped as a dependency: no system fonts, the same picture everywhere. */
export const DEJAVU_SANS = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf')
const DEJAVU_SANS_BOLD = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans-Bold.ttf')

/** Rasterises an SVG drawn in DejaVu Sans to a PNG, at `zoom` times its size (2 for sharp text on high-density screens). */
export function svgToPng(svg: string, zoom = 2): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: [DEJAVU_SANS, DEJAVU_SANS_BOLD], defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    fitTo: { mode: 'zoom', value: zoom },
    background: '#ffffff',
  })
  return resvg.render().asPng()
}
