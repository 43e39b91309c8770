import versions from './asset-versions.generated.json'

// The URL a page uses for a file in public/ (ADR 0105): its path with the first 12 hex digits of its
// content's SHA-256 (scripts/asset-versions.mjs wrote them when public/ was built). public/_headers lets
// the browser keep these URLs for a year without asking again (`immutable`), which is only right because
// changed content gets a new URL: every reference to a file _headers names that way goes through here
// (test/platform/asset-urls.test.ts checks the rendered pages).
const VERSIONS: Readonly<Record<string, string>> = versions

/** `/app.js` → `/app.js?v=<hash>`. A path that is not a file in public/ is a programming error: it throws. */
export function assetUrl(path: string): string {
  const version = VERSIONS[path]
  if (version === undefined) throw new Error(`assetUrl: ${path} is not a file in public/ (src/platform/asset-versions.generated.json; npm run vendor rebuilds it)`)
  return `${path}?v=${version}`
}
