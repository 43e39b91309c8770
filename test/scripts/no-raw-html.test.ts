import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

// Checklist 16: never pass data through raw(), dangerouslySetInnerHTML or x-html. A source scan keeps
// the rule from eroding; the escaping itself is tested through real pages (test/auth/xss.test.ts,
// test/pages/contact.test.ts). The allowed mentions: the email plain-text renderer, which skips such nodes
// rather than rendering them, and renderOnce, which takes only JSX trees that hono has escaped (issue 23).
const ALLOWED = new Set([path.join('src', 'email', 'plain-text.ts'), path.join('src', 'platform', 'render-once.ts')])
const FORBIDDEN = [/\braw\(/, /dangerouslySetInnerHTML/, /\bx-html\b/, /\.innerHTML\s*=/]

// src/lazy/ holds third-party libraries built into modules of their own (scripts/separate-modules.mjs,
// ADR 0104; gitignored): not our code, and React's renderer there names dangerouslySetInnerHTML itself.
const BUILT = path.join('src', 'lazy')

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (full === BUILT) return []
    if (entry.isDirectory()) return sourceFiles(full)
    return /\.(tsx?|jsx?|mjs)$/.test(entry.name) ? [full] : []
  })
}

describe('no raw HTML sinks in our code', () => {
  const files = [...sourceFiles('src'), ...sourceFiles('templates'), 'public/app.js', 'public/components.js']

  it('scans a real tree', () => {
    expect(files.length).toBeGreaterThan(30)
  })

  it.each(FORBIDDEN.map((re) => [re.source, re] as const))('no %s outside the allow-list', (_name, re) => {
    const offenders = files.filter((f) => !ALLOWED.has(f) && re.test(fs.readFileSync(f, 'utf8')))
    expect(offenders).toEqual([])
  })
})
