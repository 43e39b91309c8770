import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { expectNoSeriousA11yViolations, launchBrowser, lookAtWidths, watchPage, waitForScripts, type LaunchedBrowser } from './browser'
import { signUp } from './steps'

// Passkeys need a host name for their RP ID (ADR 0101): the app under test listens on 127.0.0.1 and is
// reached here as localhost, which development accepts as the same origin's twin (platform/env.ts).
const base = inject('baseUrl').replace('://127.0.0.1:', '://localhost:')
const email = `passkey-${Date.now()}@example.com`

let browser: LaunchedBrowser
beforeAll(async () => { browser = await launchBrowser() })
afterAll(async () => { await browser?.close() })

describe('passkeys in Chromium with a virtual authenticator', () => {
  it('adds a passkey from settings, then signs in with it through the email field’s autofill and through the button', async () => {
    const page = await browser.newPage()
    const problems = await watchPage(page)
    // A platform authenticator that holds discoverable credentials and verifies the user (Chrome DevTools
    // Protocol, WebAuthn domain): the browser's prompts resolve without a person.
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    })

    await page.goto(`${base}/signup`)
    await signUp(page, base, { name: 'Passkey Tester', email, password: 'passkey tester passphrase' })
    await page.goto(`${base}/settings`)
    await waitForScripts(page)
    await page.getByLabel('Name this passkey').fill('Virtual key')
    await Promise.all([page.waitForURL(`${base}/settings`), page.getByRole('button', { name: 'Add a passkey' }).click()])
    await page.getByText('Passkey “Virtual key” added').waitFor({ state: 'visible', timeout: 15_000 })
    await expect(page.locator('#passkeys-table').textContent()).resolves.toContain('not used yet')
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    expect(credentials).toHaveLength(1)
    expect(credentials[0]!.isResidentCredential).toBe(true)
    // Axe at both widths and in the dark theme, nothing wider than a 390 px phone.
    await lookAtWidths(page, 'passkeys-settings', { noOverflow: true })

    await page.locator('.account-menu-trigger').click()
    await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Log out' }).click()])

    // The login page's email field offers the passkey through autofill (conditional mediation); the
    // virtual authenticator answers such a request at once, so the page signs in without a click.
    await page.goto(`${base}/login`)
    await page.waitForURL(`${base}/dashboard`, { timeout: 15_000 })
    await page.locator('.account-menu-trigger').click()
    await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Log out' }).click()])

    // The button (on the sign-up page, which has no autofill field).
    await page.goto(`${base}/signup`)
    await waitForScripts(page)
    await expectNoSeriousA11yViolations(page, 'sign-up with the passkey button')
    await Promise.all([page.waitForURL(`${base}/dashboard`, { timeout: 15_000 }), page.getByRole('button', { name: 'Sign in with a passkey' }).click()])
    await page.goto(`${base}/settings`)
    await expect(page.locator('#sessions-table').textContent()).resolves.toContain('Signed in with passkey')
    await expect(page.locator('#passkeys-table').textContent()).resolves.toContain('last used')

    expect(problems).toEqual({ consoleErrors: [], cspViolations: [], pageErrors: [] })
  })
})
