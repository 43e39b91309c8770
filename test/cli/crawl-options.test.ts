import { Command } from 'commander'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { registerCrawl } from '../../src/cli/commands/crawl'
import { EXIT } from '../../src/cli/errors'

// `quickscale crawl`'s options in-process, each refused before a browser starts (crawl.test.ts runs a
// real crawl; help.test.ts the unreachable URL as a process).

describe('quickscale crawl options', () => {
  const password = process.env.QUICKSCALE_PASSWORD
  afterEach(() => {
    if (password === undefined) Reflect.deleteProperty(process.env, 'QUICKSCALE_PASSWORD')
    else process.env.QUICKSCALE_PASSWORD = password
  })

  async function crawl(args: string[]) {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} })
    registerCrawl(program)
    const printed: string[] = []
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { printed.push(String(chunk)); return true })
    try {
      const error = await program.parseAsync(['node', 'quickscale', 'crawl', ...args]).then(() => undefined, (e: unknown) => e)
      return { error, printed: printed.join('') }
    } finally {
      out.mockRestore()
    }
  }

  it('refuses an unknown --as, a non-http --url, --email without QUICKSCALE_PASSWORD and a --max-pages under 1 (usage)', async () => {
    expect((await crawl(['--as', 'owner', '--url', 'http://127.0.0.1:1'])).error).toMatchObject({ message: '--as owner is not admin, user or visitor.', exitCode: EXIT.usage })
    expect((await crawl(['--url', 'ftp://files.acme.test'])).error).toMatchObject({ message: '--url ftp://files.acme.test is not an http(s) address.', exitCode: EXIT.usage })
    Reflect.deleteProperty(process.env, 'QUICKSCALE_PASSWORD')
    expect((await crawl(['--url', 'http://127.0.0.1:1', '--email', 'ops@acme.test'])).error).toMatchObject({ message: '--email needs a password, and QUICKSCALE_PASSWORD is not set.', exitCode: EXIT.usage })
    for (const pages of ['0', '2.5', 'many']) {
      expect((await crawl(['--url', 'http://127.0.0.1:1', '--max-pages', pages])).error, pages).toMatchObject({ code: 'commander.invalidArgument', message: expect.stringContaining('expected a whole number of pages, at least 1.') })
    }
  })

  it('with valid options, reaches for the site first: nothing answering is exit 5, whoever it signs in as', async () => {
    process.env.QUICKSCALE_PASSWORD = 'a long enough passphrase'
    for (const who of [['--as', 'visitor'], ['--as', 'user'], ['--email', 'ops@acme.test']]) {
      const run = await crawl(['--url', 'http://127.0.0.1:1', '--max-pages', '3', ...who])
      expect(run.error, who.join(' ')).toMatchObject({ message: 'Nothing answers at http://127.0.0.1:1.', exitCode: EXIT.service })
      expect(run.printed).toBe('')
    }
  })
})
