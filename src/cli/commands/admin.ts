import type { Command } from 'commander'
import { encodeBase64urlNoPadding } from '@oslojs/encoding'
import { CliError, EXIT } from '../errors'
import { printLine } from '../output'
import { findProjectRoot } from '../project'
import { resolveDatabaseUrl } from './db'

// The app's modules (auth's public entry, drizzle, pg) load only when a command runs, not for --help.
const loadAuth = async () => ({ ...(await import('../../auth')), ...(await import('../db')) })

async function parseEmail(raw: string): Promise<string> {
  const { emailSchema } = await import('../../auth')
  const parsed = emailSchema.safeParse(raw)
  if (!parsed.success) throw new CliError(`"${raw}" is not a valid email address.`, 'Give an address like admin@yourdomain.com.', EXIT.usage)
  return parsed.data
}

async function readStdin(): Promise<string> {
  let data = ''
  for await (const chunk of process.stdin) data += chunk
  return data.replace(/\r?\n$/, '')
}

// 18 random bytes → 24 URL-safe characters (144 bits): far past any guessing, easy to paste once.
export function generatePassword(): string {
  return encodeBase64urlNoPadding(crypto.getRandomValues(new Uint8Array(18)))
}

async function choosePassword(opts: { passwordStdin?: boolean }): Promise<{ password: string; generated: boolean }> {
  const { passwordSchema } = await import('../../auth')
  let password: string
  if (opts.passwordStdin) password = await readStdin()
  else if (process.stdin.isTTY && process.stdout.isTTY) {
    const { askHidden } = await import('../prompt')
    password = await askHidden('Password (empty to generate one): ')
  } else password = ''
  if (password === '') return { password: generatePassword(), generated: true }
  const valid = passwordSchema.safeParse(password)
  if (!valid.success) throw new CliError(`The password is not accepted: ${valid.error.issues[0]?.message}`, 'Choose a password of 8 to 256 characters, or leave it empty to get a generated one.', EXIT.usage)
  return { password, generated: false }
}

export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('administrator accounts')

  admin
    .command('create')
    .description('create a verified admin account (password prompted, or generated and printed once)')
    .argument('<email>', 'the admin\'s email address')
    .option('--name <name>', 'display name', 'Administrator')
    .option('--password-stdin', 'read the password from standard input (scripts, CI)')
    .addHelpText('after', '\nExamples:\n  npx quickscale admin create ops@yourdomain.com\n  printf %s "$ADMIN_PASSWORD" | npx quickscale admin create ops@yourdomain.com --password-stdin')
    .action(async (rawEmail: string, opts: { name: string; passwordStdin?: boolean }) => {
      const email = await parseEmail(rawEmail)
      const { createAdminAccount, withDatabase } = await loadAuth()
      const root = findProjectRoot()
      const url = resolveDatabaseUrl(root)
      const { password, generated } = await choosePassword(opts)
      await withDatabase(url, async ({ db }) => {
        const user = await createAdminAccount(db, { email, name: opts.name.trim() || 'Administrator', password })
        if (!user) throw new CliError(`An account for ${email} already exists.`, `Run \`npx quickscale admin promote ${email}\` to make it an admin.`, EXIT.failed)
      })
      printLine(`✔ admin ${email} created`)
      if (generated) printLine(`  password: ${password}\n  (shown once: store it now; change it in Settings after logging in)`)
    })

  admin
    .command('promote')
    .description('give an existing account the admin role')
    .argument('<email>', 'the account\'s email address')
    .addHelpText('after', '\nExample:\n  npx quickscale admin promote ann@yourdomain.com')
    .action(async (rawEmail: string) => {
      const email = await parseEmail(rawEmail)
      const { promoteToAdmin, withDatabase } = await loadAuth()
      const url = resolveDatabaseUrl(findProjectRoot())
      const outcome = await withDatabase(url, ({ db }) => promoteToAdmin(db, email))
      if (outcome === 'no-account') throw new CliError(`No account for ${email}.`, `Sign up first, or run \`npx quickscale admin create ${email}\`.`, EXIT.failed)
      printLine(outcome === 'already-admin' ? `✔ ${email} is already an admin` : `✔ ${email} is now an admin`)
    })
}
