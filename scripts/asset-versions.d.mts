// Types for the tests, which import this plain-JavaScript build script (tsconfig does
// not check scripts/**; TypeScript finds this file beside asset-versions.mjs). Keep in step with its exports.
export const ASSET_VERSIONS_FILE: string
export function computeAssetVersions(publicDir?: string): Record<string, string>
export function writeAssetVersions(root?: string): boolean
