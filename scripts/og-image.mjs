// The social-preview image (Open Graph / Twitter card, 1200×630 PNG: what link previews accept), drawn at
// build time from the app's name (wrangler.toml's APP_NAME), the tagline and the brand colour
// (src/site.config.ts), so `quickscale init --name` changes it with the rest. Photon (already the
// thumbnailer's image library) draws the text; no browser or native renderer is needed to build.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'smol-toml'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const OG_WIDTH = 1200
export const OG_HEIGHT = 630

export function readOgText(root = ROOT) {
  const toml = parse(fs.readFileSync(path.join(root, 'wrangler.toml'), 'utf8'))
  const config = fs.readFileSync(path.join(root, 'src/site.config.ts'), 'utf8')
  const tagline = /^export const TAGLINE = '((?:[^'\\]|\\.)*)'/m.exec(config)
  if (!tagline) throw new Error("og-image: src/site.config.ts must hold a line export const TAGLINE = '…'")
  return { appName: String(toml.vars?.APP_NAME ?? 'QuickScale Edge'), tagline: tagline[1].replace(/\\'/g, "'") }
}

/** PNG bytes: a diagonal gradient of the brand colour, the name large, the tagline under it. */
export async function renderOgImage({ appName, tagline, brand }) {
  const photon = await import('@cf-wasm/photon/node')
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(brand.slice(i, i + 2), 16))
  const pixels = new Uint8Array(OG_WIDTH * OG_HEIGHT * 4)
  for (let y = 0; y < OG_HEIGHT; y++) {
    for (let x = 0; x < OG_WIDTH; x++) {
      // From the brand colour darkened by 45 % (top left) to the brand colour (bottom right).
      const t = 0.55 + 0.45 * ((x / OG_WIDTH + y / OG_HEIGHT) / 2)
      const i = (y * OG_WIDTH + x) * 4
      pixels[i] = Math.round(r * t)
      pixels[i + 1] = Math.round(g * t)
      pixels[i + 2] = Math.round(b * t)
      pixels[i + 3] = 255
    }
  }
  const image = new photon.PhotonImage(pixels, OG_WIDTH, OG_HEIGHT)
  try {
    const white = new photon.Rgba(255, 255, 255, 255)
    const soft = new photon.Rgba(220, 240, 236, 255)
    // Sizes shrink for long names so the text stays inside the 1040 px between the margins.
    const fit = (text, max) => Math.min(max, Math.floor(1040 / (Math.max(text.length, 1) * 0.56)))
    photon.draw_text_with_color(image, appName, 80, 200, fit(appName, 110), white)
    photon.draw_text_with_color(image, tagline, 84, 360, fit(tagline, 56), soft)
    return Buffer.from(image.get_bytes())
  } finally {
    image.free()
  }
}
