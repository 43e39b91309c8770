// Types for vitest.config.ts, which imports this plain-JavaScript build script (tsconfig does not check
// scripts/**; TypeScript finds this file beside vendor-assets.mjs). Keep in step with its exports.
export const VENDOR_ASSETS: [string, string][]
export function ensureVendorAssets(out?: string): string[]
export function buildPublicAssets(log?: (line: string) => void): Promise<void>
