/**
 * The one file a buyer edits to make the product theirs (issue 20): the brand colour here, the landing
 * page's copy beside it. `quickscale init --name` rewrites it for a new product.
 *
 * `BRAND_COLOUR` is read by the stylesheet build too (scripts/build-styles.mjs), which derives the whole
 * palette from it (links, buttons, focus rings, charts, both themes), so keep it a plain `#rrggbb` string
 * on its own line. Pick a colour dark enough for white text (contrast ≥ 4.5:1); the build refuses one
 * that is not (WCAG 1.4.3).
 */
export const BRAND_COLOUR = '#0f766e'
