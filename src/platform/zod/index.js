// `zod` as the Worker bundle sees it (wrangler.toml [alias]): the package's own entry (node_modules/zod/index.js)
// over ./external.js, which leaves out the locales (issue 23, docs/performance.md).
import * as z from './external.js'
export * from './external.js'
export { z, z as default }
