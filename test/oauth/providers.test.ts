import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { readConfig } from '../../src/platform/env'
import { configuredProviders, providerEndpoints } from '../../src/oauth/providers'

// Which providers are offered, and where their endpoints are (src/oauth/providers.ts, ADR 0099).
const base = { APP_URL: 'https://app.example.com', OAUTH_STANDIN_URL: '', isProduction: false }

describe('providers from secrets', () => {
  it('offers a provider only when both its values are set', () => {
    expect(configuredProviders({ ...base })).toEqual([])
    expect(configuredProviders({ ...base, GITHUB_CLIENT_ID: 'id', GITHUB_CLIENT_SECRET: '' })).toEqual([])
    expect(configuredProviders({ ...base, GITHUB_CLIENT_ID: 'id', GITHUB_CLIENT_SECRET: 'secret' })).toEqual(['github'])
    expect(configuredProviders({ ...base, GOOGLE_CLIENT_ID: ' id ', GOOGLE_CLIENT_SECRET: 'secret', GITHUB_CLIENT_ID: 'id', GITHUB_CLIENT_SECRET: 'secret' })).toEqual(['github', 'google'])
  })

  it('talks to the real services unless the stand-in is configured, then to it at the same paths', () => {
    expect(providerEndpoints(base, 'github')).toMatchObject({ authorize: 'https://github.com/login/oauth/authorize', token: 'https://github.com/login/oauth/access_token', api: 'https://api.github.com' })
    expect(providerEndpoints(base, 'google')).toMatchObject({ authorize: 'https://accounts.google.com/o/oauth2/v2/auth', token: 'https://oauth2.googleapis.com/token', issuer: 'https://accounts.google.com' })
    const standin = { ...base, OAUTH_STANDIN_URL: 'http://127.0.0.1:12112/' }
    expect(providerEndpoints(standin, 'github')).toMatchObject({ authorize: 'http://127.0.0.1:12112/github/login/oauth/authorize', api: 'http://127.0.0.1:12112/github/api' })
    expect(providerEndpoints(standin, 'google')).toMatchObject({ token: 'http://127.0.0.1:12112/google/token', issuer: 'http://127.0.0.1:12112/google' })
  })

  it('ignores the stand-in in production: sign-in there only ever talks to GitHub and Google', () => {
    const production = readConfig({ ...env, ENVIRONMENT: 'production', APP_URL: 'https://app.example.com', OAUTH_STANDIN_URL: 'http://127.0.0.1:12112' } as unknown as Env)
    expect(providerEndpoints(production, 'github').authorize).toBe('https://github.com/login/oauth/authorize')
    expect(providerEndpoints(production, 'google')).toMatchObject({ token: 'https://oauth2.googleapis.com/token', issuer: 'https://accounts.google.com' })
  })
})
