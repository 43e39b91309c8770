import { describe, expect, it } from 'vitest'
import { meterSpec } from '../../src/cli/generate/metered'
import { featureNames } from '../../src/cli/generate/names'
import { renderFeatureFiles } from '../../src/cli/generate/templates'
import { testFile } from '../../src/cli/generate/test-template'

// What `quickscale generate feature` writes, with and without --metered, in-process (generate.test.ts runs
// the plain command; generate-metered.slow.test.ts compiles and tests a metered one in a new project).

const n = featureNames('reports')
const spec = meterSpec('report exports', 'free=3,pro=unlimited')!

describe('generated feature files', () => {
  it('a metered feature declares its meter, takes quota before storing, gives it back when storing fails', () => {
    const files = renderFeatureFiles({ n, metered: spec })
    expect(Object.keys(files).sort()).toEqual(['src/reports/index.ts', 'src/reports/meter.ts', 'src/reports/routes.tsx', 'src/reports/schema.ts', 'src/reports/service.ts', 'src/reports/view.tsx', 'test/reports/reports.test.ts'])
    expect(files['src/reports/index.ts']).toContain("import { reportsMeters } from './meter'")
    expect(files['src/reports/index.ts']).toContain('meters: reportsMeters,')
    const routes = files['src/reports/routes.tsx']!
    expect(routes).toContain("import { consumeQuota, quotaExceeded, readQuota, releaseQuota } from '../usage'")
    const taken = routes.indexOf('await consumeQuota(')
    const refused = routes.indexOf('if (!quota.allowed && quota.denied) return quotaExceeded(c, quota.denied)')
    const stored = routes.indexOf('await createReportsItem(')
    const released = routes.indexOf('await releaseQuota(')
    expect(taken).toBeGreaterThan(0)
    expect(refused).toBeGreaterThan(taken)
    expect(stored).toBeGreaterThan(refused)
    expect(released).toBeGreaterThan(stored)
    expect(routes).toContain('allowance: allowanceOf(quota)')
    expect(files['src/reports/view.tsx']).toContain("import type { Allowance } from './meter'")
    expect(files['src/reports/view.tsx']).toMatch(/export function ReportsPanel\(\{ items, values = \{\}, errors = \{\}, notice, allowance \}/)
  })

  it('a plain feature has no meter, no usage import and no allowance', () => {
    const files = renderFeatureFiles({ n })
    expect(Object.keys(files)).not.toContain('src/reports/meter.ts')
    expect(files['src/reports/index.ts']).not.toContain('meters:')
    expect(files['src/reports/routes.tsx']).not.toContain("from '../usage'")
    expect(files['src/reports/routes.tsx']).toContain('await createReportsItem(db, viewer.id, parsed.data.title, now)')
    expect(files['src/reports/view.tsx']).not.toContain('allowance')
  })
})

describe('the generated test file', () => {
  it('metered: reads the Free limit, skips adding when Free has none, and tests the limit and /usage', () => {
    const file = testFile(n, spec)
    expect(file.startsWith("import { env } from 'cloudflare:workers'\n")).toBe(true)
    expect(file).toContain("import { consumeQuota } from '../../src/usage'")
    expect(file).toContain("it('adds an item and lists it for its owner only (authorization)', async ({ skip }) => {")
    expect(file).toContain("skip('the Free plan has no report exports: nothing to add')")
    expect(file).toContain("it(\"shows its meter on /usage with the plan's limit\"")
    expect(file).toContain("it('refuses an item past the plan limit with the usage meter\\'s 429 and upgrade message'")
  })

  it('plain: none of the meter\'s imports or tests', () => {
    const file = testFile(n)
    expect(file.startsWith("import { describe, expect, it } from 'vitest'")).toBe(true)
    expect(file).not.toContain('cloudflare:workers')
    expect(file).toContain("it('adds an item and lists it for its owner only (authorization)', async () => {")
    expect(file).not.toContain('/usage')
  })
})
