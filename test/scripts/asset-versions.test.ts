import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ASSET_VERSIONS_FILE, computeAssetVersions, writeAssetVersions } from '../../scripts/asset-versions.mjs'

// The content hashes behind the pages' asset URLs (ADR 0105): new content must be a new URL, or a browser
// that keeps the file a year (`immutable`, public/_headers) keeps the old one.
let root: string
afterEach(() => { if (root) fs.rmSync(root, { recursive: true, force: true }) })

function project(files: Record<string, string>): string {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-asset-versions-'))
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, 'public', name)), { recursive: true })
    fs.writeFileSync(path.join(root, 'public', name), text)
  }
  return root
}

describe('asset versions', () => {
  it('hashes every served file of public/, nested ones too, and not the files Workers reads as configuration', () => {
    const dir = project({ 'app.js': 'one', 'vendor/site.css': 'body{}', _headers: '/*\n  X: y\n', '.hidden': 'x' })
    const versions = computeAssetVersions(path.join(dir, 'public'))
    expect(Object.keys(versions)).toEqual(['/app.js', '/vendor/site.css'])
    // SHA-256 of "one", first 12 hex digits.
    expect(versions['/app.js']).toBe('7692c3ad3540')
  })

  it('changed content is a new version; the same content the same one', () => {
    const dir = project({ 'app.js': 'one', 'b.js': 'one' })
    const before = computeAssetVersions(path.join(dir, 'public'))
    expect(before['/b.js']).toBe(before['/app.js'])
    fs.writeFileSync(path.join(dir, 'public/app.js'), 'two')
    const after = computeAssetVersions(path.join(dir, 'public'))
    expect(after['/app.js']).not.toBe(before['/app.js'])
    expect(after['/b.js']).toBe(before['/b.js'])
  })

  it('writes the file the Worker imports only when a version changed (wrangler watches src/)', () => {
    const dir = project({ 'app.js': 'one' })
    expect(writeAssetVersions(dir)).toBe(true)
    expect(JSON.parse(fs.readFileSync(path.join(dir, ASSET_VERSIONS_FILE), 'utf8'))).toEqual({ '/app.js': '7692c3ad3540' })
    expect(writeAssetVersions(dir)).toBe(false)
    fs.writeFileSync(path.join(dir, 'public/app.js'), 'two')
    expect(writeAssetVersions(dir)).toBe(true)
  })
})
