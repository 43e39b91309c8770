// Types for the tests that import this plain-JavaScript build script (tsconfig does not check scripts/**;
// TypeScript finds this file beside og-image.mjs). Keep in step with its exports.
export const OG_WIDTH: number
export const OG_HEIGHT: number
export interface OgText {
  appName: string
  tagline: string
}
export function readOgText(root?: string): OgText
/** PNG bytes of the 1200×630 social-preview image. */
export function renderOgImage(input: OgText & { brand: string }): Promise<Buffer>
