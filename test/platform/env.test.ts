import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { ConfigError, readConfig } from '../../src/platform/env'

// Config is validated once per env object; a bad value names the variable and where to set it.
describe('readConfig', () => {
  it('accepts the test environment', () => {
    const config = readConfig(env)
    expect(config.ENVIRONMENT).toBe('test')
    expect(config.DATABASE_URL).toMatch(/^postgresql:\/\//)
  })

  it.each([
    ['DATABASE_URL', { DATABASE_URL: undefined }, 'DATABASE_URL is missing'],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL is invalid: must be a postgres:// connection string'],
    ['APP_URL', { APP_URL: 'not a url' }, 'APP_URL is invalid'],
    ['ENVIRONMENT', { ENVIRONMENT: 'staging' }, 'ENVIRONMENT is invalid'],
    ['ADMIN_EMAIL', { ADMIN_EMAIL: '' }, 'ADMIN_EMAIL is missing'],
  ])('%s: a clear message naming the variable', (_name, override, message) => {
    const broken = { ...env, ...override } as unknown as Env
    expect(() => readConfig(broken)).toThrow(ConfigError)
    expect(() => readConfig(broken)).toThrow(message)
    expect(() => readConfig(broken)).toThrow(/wrangler secret put/)
  })

  it('never echoes a secret value in the message', () => {
    const broken = { ...env, DATABASE_URL: 'mysql://user:hunter2@db' } as unknown as Env
    expect(() => readConfig(broken)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }))
  })
})
