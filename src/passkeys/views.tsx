import type { Child } from 'hono/jsx'
import { assetUrl } from '../platform/assets'
import { Field } from '../platform/components'
import type { SettingsSection, SignInOption } from '../platform/feature'
import { formatDay } from '../platform/format'
import { Icon } from '../platform/icons'
import type { AppContext } from '../platform/types'
import { relyingPartyFor } from './relying-party'
import { listPasskeys, PASSKEY_NAME_MAX, type Passkey } from './store'

// The browser half: SimpleWebAuthn's bundle (a vendor copy, scripts/vendor-assets.mjs) and our module,
// only on the pages that offer passkeys. No inline script: the CSP forbids it.
function PasskeyScripts(): Child {
  return (
    <>
      <script src={assetUrl('/vendor/simplewebauthn-browser.min.js')} defer></script>
      <script src={assetUrl('/passkeys.js')} defer></script>
    </>
  )
}

// Where the script says what happened (errors, "waiting for your passkey…"): read out by screen readers.
function Status({ id }: { id: string }): Child {
  return <p id={id} class="passkey-status help" role="status" aria-live="polite"></p>
}

/** Where passkeys cannot work: an IP address (development at 127.0.0.1) names the address that works. */
function unavailableMessage(c: AppContext): string {
  const url = new URL(c.req.url)
  if (c.get('config').isDevelopment && url.hostname === '127.0.0.1') return `Passkeys need a host name: open ${url.protocol}//localhost:${url.port}/settings to add one.`
  return 'Passkeys are not available at this address.'
}

function PasskeyRow({ passkey, index }: { passkey: Passkey; index: number }): Child {
  const renameId = `passkey-rename-${index}`
  return (
    <tr>
      <td>
        <strong class="passkey-name">{passkey.name}</strong>
        <span class="is-block is-size-7 has-text-grey-dark">
          Added {formatDay(passkey.createdAt)} · {passkey.lastUsedAt ? `last used ${formatDay(passkey.lastUsedAt)}` : 'not used yet'}
        </span>
        <details class="passkey-rename mt-2">
          <summary>Rename</summary>
          <form method="post" action="/passkeys/rename" class="mt-2">
            <input type="hidden" name="id" value={passkey.id} />
            <label class="label is-small" for={renameId}>New name</label>
            <div class="field has-addons">
              <div class="control is-expanded"><input id={renameId} class="input is-small" name="name" value={passkey.name} maxlength={PASSKEY_NAME_MAX} required /></div>
              <div class="control"><button class="button is-small" type="submit">Save</button></div>
            </div>
          </form>
        </details>
      </td>
      <td class="has-text-right">
        <form method="post" action="/passkeys/remove">
          <input type="hidden" name="id" value={passkey.id} />
          <button class="button is-small is-danger is-light" type="submit" aria-label={`Remove passkey ${passkey.name}`}>Remove</button>
        </form>
      </td>
    </tr>
  )
}

function PasskeysSettings({ passkeys, c }: { passkeys: Passkey[]; c: AppContext }): Child {
  const available = relyingPartyFor(c) !== null
  return (
    <div class="passkeys-settings">
      <p class="mb-3">Sign in with your fingerprint, face or device PIN instead of a password. A passkey never leaves your device and cannot be phished.</p>
      {passkeys.length > 0 && (
        <table class="table is-fullwidth" id="passkeys-table">
          <caption class="is-sr-only">Your passkeys</caption>
          <thead><tr><th scope="col">Passkey</th><th scope="col"><span class="is-sr-only">Action</span></th></tr></thead>
          <tbody>{passkeys.map((passkey, index) => <PasskeyRow passkey={passkey} index={index} />)}</tbody>
        </table>
      )}
      {available ? (
        <form id="passkey-register" data-passkey-register>
          <Field name="passkey_name" label="Name this passkey" maxlength={PASSKEY_NAME_MAX} help="So you can tell it apart later, e.g. “Work laptop”." />
          <button class="button is-primary" type="submit"><Icon name="key-round" /> <span>Add a passkey</span></button>
          <Status id="passkey-register-status" />
          <PasskeyScripts />
        </form>
      ) : <p class="help">{unavailableMessage(c)}</p>}
    </div>
  )
}

export const passkeysSettingsSection: SettingsSection<Passkey[]> = {
  id: 'passkeys',
  title: 'Passkeys',
  order: 20,
  load: (db, user) => listPasskeys(db, user.id),
  render: (passkeys, c) => <PasskeysSettings passkeys={passkeys} c={c} />,
}

/** "Sign in with a passkey" under the log-in and sign-up forms, where the address can be an RP ID. */
export const passkeySignInOption: SignInOption = {
  id: 'passkey',
  order: 10,
  render: (c, { next }) => {
    if (relyingPartyFor(c) === null) return null
    return (
      <div class="passkey-sign-in" data-passkey-login data-next={next}>
        <button class="button" type="button"><Icon name="key-round" /> <span>Sign in with a passkey</span></button>
        <Status id="passkey-login-status" />
        <PasskeyScripts />
      </div>
    )
  },
}
