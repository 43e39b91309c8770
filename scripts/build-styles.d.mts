// Types for the tests and the CLI that import this plain-JavaScript build script (tsconfig does not check
// scripts/**; TypeScript finds this file beside build-styles.mjs). Keep in step with its exports.
export function readBrandColour(root?: string): string
/** WCAG 2 contrast ratio of white text on `#rrggbb`. */
export function contrastWithWhite(hex: string): number
export function readIconNames(root?: string): string[]
export function buildIconSprite(names: readonly string[]): string
export function stylesheetEntry(brand: string, root?: string): string
export function compileStylesheet(brand: string, root?: string): Promise<string>
export function purgeUnusedCss(css: string, root?: string): Promise<string>
export const FONT_FILES: string[]
/** Writes site.css, icons.svg, og.png and the fonts into `out` when they changed; returns the names written. */
export function buildStyles(out?: string, root?: string): Promise<string[]>
