// zod's classic API (node_modules/zod/v4/classic/external.js, zod 4.6.7) without `locales`: the Worker
// bundle takes `zod` from here (wrangler.toml [alias], issue 23). `import { z } from 'zod'` keeps every
// member of the namespace, so all 40-odd locales (260 KiB of the 1.9 MiB bundle, parsed and run on every
// cold start) came along although only English is used, which zod registers itself (classic/schemas.js).
// Types still come from the package; the workerd tests resolve `zod` here too (vitest.config.ts reads the
// alias), Node scripts use the package itself. Re-check this list against
// external.js when zod is upgraded.
// Not `core`: its namespace re-exports the locales too (nothing here uses z.core).
export * from '../../../node_modules/zod/v4/classic/schemas.js'
export * from '../../../node_modules/zod/v4/classic/checks.js'
export * from '../../../node_modules/zod/v4/classic/errors.js'
export * from '../../../node_modules/zod/v4/classic/parse.js'
export * from '../../../node_modules/zod/v4/classic/compat.js'
export { globalRegistry, registry, config, memoizer, $output, $input, $brand, clone, regexes, treeifyError, prettifyError, formatError, flattenError, TimePrecision, util, NEVER, INVALID, toZod, compile, withParser, ZodCompileAsyncError, ZodCompileUnsupportedError, getDiscriminatedOption } from '../../../node_modules/zod/v4/core/index.js'
export { toJSONSchema } from '../../../node_modules/zod/v4/core/json-schema-processors.js'
export { fromJSONSchema } from '../../../node_modules/zod/v4/classic/from-json-schema.js'
export { deepPartial } from '../../../node_modules/zod/v4/classic/deep-partial.js'
export { input, output } from '../../../node_modules/zod/v4/classic/in-out.js'
export { ZodISODateTime, ZodISODate, ZodISOTime, ZodISODuration } from '../../../node_modules/zod/v4/classic/iso.js'
export * as iso from '../../../node_modules/zod/v4/classic/iso.js'
export * as coerce from '../../../node_modules/zod/v4/classic/coerce.js'
