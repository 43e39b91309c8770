import { describe, expect, it } from 'vitest'
// @ts-expect-error plain .mjs dev script
import { decideSeed } from '../../scripts/seed-policy.mjs'

// Issue 9, finding 9: demo users with published passwords go only into the database the dev script
// started itself, or where the developer asked for them explicitly.
const TUNNEL = 'postgresql://app:secret@127.0.0.1:6543/production'

describe('scripts/seed-policy.mjs', () => {
  it('seeds the embedded database the script started', () => {
    expect(decideSeed({ startedEmbedded: true, databaseUrl: 'postgresql://postgres:x@127.0.0.1:54329/quickscale', argv: [], env: {} }).seed).toBe(true)
  })

  it('does not seed a DATABASE_URL on loopback (a production database behind a tunnel)', () => {
    const decision = decideSeed({ startedEmbedded: false, databaseUrl: TUNNEL, argv: [], env: {} })
    expect(decision.seed).toBe(false)
    expect(decision.note).toContain('--seed')
  })

  it('does not seed localhost either', () => {
    expect(decideSeed({ startedEmbedded: false, databaseUrl: 'postgres://u:p@localhost/db', argv: [], env: {} }).seed).toBe(false)
  })

  it.each([[['--seed'], {}], [[], { QS_SEED: '1' }]])('seeds an external loopback database when asked explicitly (%j %j)', (argv, env) => {
    expect(decideSeed({ startedEmbedded: false, databaseUrl: TUNNEL, argv, env }).seed).toBe(true)
  })

  it('never seeds a non-loopback database, even when asked', () => {
    const decision = decideSeed({ startedEmbedded: false, databaseUrl: 'postgresql://u:p@ep-x.eu-central-1.aws.neon.tech/neondb', argv: ['--seed'], env: { QS_SEED: '1' } })
    expect(decision.seed).toBe(false)
    expect(decision.note).toContain('not a local database')
  })
})
