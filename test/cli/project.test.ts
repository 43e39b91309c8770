import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXIT } from '../../src/cli/errors'
import { findProjectRoot, parseDotenv, readDotenv, resolveEnv } from '../../src/cli/project'

// Where the CLI finds the project and the values a Worker would see (src/cli/project.ts), in-process.

// The project's generated types make every binding a required key of ProcessEnv: a partial shell here.
const shell = (values: Record<string, string>) => values as NodeJS.ProcessEnv
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'qs-project-'))

describe('parseDotenv', () => {
  it('reads KEY=value lines as wrangler does: comments, blanks and lines without a key skipped, one pair of quotes dropped', () => {
    expect(parseDotenv('# local\n\nA=1\n  B = two words  \nC="quoted = sign"\nD=\'single\'\nE="unbalanced\n=novalue\nnoequals\nF=\n')).toEqual({
      A: '1', B: 'two words', C: 'quoted = sign', D: 'single', E: '"unbalanced', F: '',
    })
  })
})

describe('the project and its values', () => {
  it('finds the project from a folder below it; refuses a folder outside any project (exit 3)', () => {
    const root = tmp()
    fs.writeFileSync(path.join(root, 'wrangler.toml'), 'name = "acme"\n')
    fs.writeFileSync(path.join(root, 'package.json'), '{}')
    fs.mkdirSync(path.join(root, 'src', 'deep'), { recursive: true })
    expect(findProjectRoot(path.join(root, 'src', 'deep'))).toBe(root)
    expect(() => findProjectRoot(tmp())).toThrow(expect.objectContaining({ exitCode: EXIT.config, message: expect.stringMatching(/^No QuickScale project here/) }))
  })

  it('overlays [vars], the environment\'s own vars, and the secrets source of each environment', () => {
    const root = tmp()
    const config = { vars: { APP_NAME: 'Acme', APP_URL: 'http://127.0.0.1:8787', LIMIT: 5 }, env: { production: { vars: { APP_URL: 'https://acme.example' } } } }
    // Development without a .dev.vars: [vars] alone.
    expect(readDotenv(path.join(root, '.dev.vars'))).toBeNull()
    expect(resolveEnv(root, 'development', config)).toEqual({ environment: 'development', values: { APP_NAME: 'Acme', APP_URL: 'http://127.0.0.1:8787', LIMIT: '5' }, secretsSource: '.dev.vars' })
    fs.writeFileSync(path.join(root, '.dev.vars'), 'DATABASE_URL=postgres://local\nAPP_NAME=Acme (dev)\n')
    expect(resolveEnv(root, 'development', config).values).toMatchObject({ APP_NAME: 'Acme (dev)', DATABASE_URL: 'postgres://local' })
    // Production: the environment's vars win over [vars]; the shell adds what [vars] does not set.
    const prod = resolveEnv(root, 'production', config, { shell: shell({ APP_URL: 'https://shell.example', RESEND_API_KEY: 're_x', lowercase: 'ignored' }) })
    expect(prod.values).toEqual({ APP_NAME: 'Acme', APP_URL: 'https://acme.example', LIMIT: '5', RESEND_API_KEY: 're_x' })
    expect(prod.secretsSource).toMatch(/^the shell environment/)
  })

  it('--env-file replaces .dev.vars in development and adds to the shell in production; a missing one is a usage error', () => {
    const root = tmp()
    const file = path.join(root, 'ci.vars')
    fs.writeFileSync(file, 'DATABASE_URL=postgres://ci\n')
    fs.writeFileSync(path.join(root, '.dev.vars'), 'DATABASE_URL=postgres://local\nEXTRA=1\n')
    expect(resolveEnv(root, 'development', {}, { envFile: file })).toEqual({ environment: 'development', values: { DATABASE_URL: 'postgres://ci' }, secretsSource: file })
    expect(resolveEnv(root, 'production', {}, { envFile: file, shell: shell({ DATABASE_URL: 'postgres://shell', RESEND_API_KEY: 're_y' }) }).values).toEqual({ DATABASE_URL: 'postgres://ci', RESEND_API_KEY: 're_y' })
    expect(() => resolveEnv(root, 'development', {}, { envFile: path.join(root, 'missing.vars') })).toThrow(expect.objectContaining({ exitCode: EXIT.usage, message: expect.stringContaining('missing.vars does not exist.') }))
  })
})
