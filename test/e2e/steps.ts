// Steps several browser tests take the same way a person does (sign up, confirm the address from the
// outbox, pay on the Stripe stand-in, pick files, make an API key), plus an admin made directly in the
// database. Each step waits on what the page shows next, never on time.
import initializeArgon2 from '@phi-ag/argon2/node'
import pg from 'pg'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { waitForOutboxMail, waitForScripts } from './browser'

export interface Person { name: string; email: string; password: string }

/** The sign-up form, filled and sent; resolves on the "verify your email" page. */
export async function signUp(page: Page, baseUrl: string, person: Person): Promise<void> {
  if (new URL(page.url()).pathname !== '/signup') await page.goto(`${baseUrl}/signup`)
  await waitForScripts(page)
  await page.getByLabel('Name', { exact: true }).fill(person.name)
  await page.getByLabel('Email', { exact: true }).fill(person.email)
  await page.getByLabel('Password', { exact: true }).fill(person.password)
  await Promise.all([page.waitForURL(`${baseUrl}/verify-email`), page.getByRole('button', { name: 'Create account' }).click()])
}

/** Marks an address verified straight in the database, for tests that are not about the mail path. */
export async function markVerifiedInDatabase(databaseUrl: string, email: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    await client.query('update users set email_verified_at = now() where email = $1', [email])
  } finally {
    await client.end()
  }
}

/** Opens the link of the verify-email mail the app's queue put in the outbox and confirms; ends on the dashboard. */
export async function verifyThroughOutbox(page: Page, baseUrl: string, email: string): Promise<void> {
  const mail = await waitForOutboxMail(baseUrl, email, 'verify-email')
  const link = /https?:\/\/[^\s"<>]+\/verify-email\?token=[a-z2-7]{32}/.exec(mail.text)?.[0]
  expect(link, 'the verify-email mail carries a link').toBeDefined()
  await page.goto(link!)
  await waitForScripts(page)
  await Promise.all([page.waitForURL(`${baseUrl}/dashboard`), page.getByRole('button', { name: 'Confirm my email address' }).click()])
}

export async function logIn(page: Page, baseUrl: string, person: Pick<Person, 'email' | 'password'>): Promise<void> {
  await page.goto(`${baseUrl}/login`)
  await waitForScripts(page)
  await page.getByLabel('Email', { exact: true }).fill(person.email)
  await page.getByLabel('Password', { exact: true }).fill(person.password)
  await Promise.all([page.waitForURL(`${baseUrl}/dashboard`), page.getByRole('button', { name: 'Log in' }).click()])
}

/** On the stand-in's hosted checkout page: the card that pays; resolves on the app's success page. */
export async function payOnStandin(page: Page, baseUrl: string): Promise<void> {
  await page.getByLabel(/payment succeeds/).check()
  await Promise.all([page.waitForURL(`${baseUrl}/billing/success?session_id=*`), page.getByRole('button', { name: 'Pay and subscribe' }).click()])
}

/** Files chosen the way a person does on /files: a click on "Choose files" opens the picker. */
export async function pickFiles(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByText('Choose files', { exact: true }).click()])
  await chooser.setFiles(files)
}

/** Creates a key on /settings/api-keys and returns it (shown once, in the field the page swaps in). */
export async function createApiKey(page: Page, baseUrl: string, name: string): Promise<string> {
  await page.goto(`${baseUrl}/settings/api-keys`)
  await waitForScripts(page)
  await page.getByLabel('Name', { exact: true }).fill(name)
  await page.getByRole('button', { name: 'Create key' }).click()
  const input = page.getByLabel('Your new API key')
  await input.waitFor()
  return input.inputValue()
}

/**
 * An admin who never signed up: the row is written straight into `users`, as an operator's script would,
 * with an argon2id hash of the app's parameters (ADR 0020, CURRENT_PARAMS) from the same argon2 build the
 * Worker uses. The PHC string names its parameters, so login accepts it even after they are raised.
 * The password must be ASCII (the package's JS wrapper counts UTF-16 units, src/auth/argon2.ts).
 */
export async function createAdminInDatabase(databaseUrl: string, admin: Person): Promise<string> {
  const argon2 = await initializeArgon2()
  const { encoded } = argon2.hash(admin.password, { timeCost: 2, memoryCost: 19_456, parallelism: 1, hashLength: 32 })
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ id: string }>(
      `insert into users (email, name, password_hash, role, email_verified_at) values ($1, $2, $3, 'admin', now()) returning id`,
      [admin.email, admin.name, encoded],
    )
    return rows[0]!.id
  } finally {
    await client.end()
  }
}
