// The stand-in's consent page: in place of GitHub's "Authorize" or Google's account chooser, the developer
// (or a browser test) picks what the provider answers. Plain HTML, no script: it is the provider's page.
const escape = (s) => String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch])

const CHOICES = [
  ['verified', 'Verified address', 'The provider vouches for the address: a new account is made verified.'],
  ['unverified', 'Unverified address', 'The provider has not verified the address: the app must refuse to make an account from it.'],
  ['denied', 'Deny access', 'As if you pressed Cancel: the app gets error=access_denied.'],
  ['error', 'Provider error', 'The provider fails (HTTP 500) when the app exchanges the code.'],
]

const KEPT = ['client_id', 'redirect_uri', 'state', 'scope', 'code_challenge', 'code_challenge_method', 'nonce', 'response_type']

export function consentPage({ provider, params, problem }) {
  const label = provider === 'github' ? 'GitHub' : 'Google'
  const body = problem
    ? `<p role="alert"><strong>Invalid request:</strong> ${escape(problem)}</p>`
    : `<form method="post">
        ${KEPT.filter((k) => params.has(k)).map((k) => `<input type="hidden" name="${k}" value="${escape(params.get(k))}">`).join('\n        ')}
        <fieldset><legend>Answer as</legend>
          ${CHOICES.map(([value, title, hint], i) => `<label><input type="radio" name="identity" value="${value}"${i === 0 ? ' checked' : ''}> <strong>${title}</strong> — ${hint}</label>`).join('<br>\n          ')}
        </fieldset>
        <p><label for="email">Email</label><br><input id="email" name="email" type="email" placeholder="left empty: a new random address" size="40"></p>
        <p><label for="name">Name</label><br><input id="name" name="name" value="Stand-in User" size="40"></p>
        <p><button type="submit">Authorize</button></p>
      </form>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${label} (local stand-in)</title></head>
<body><main>
  <h1>${label} — local OAuth stand-in</h1>
  <p>Not the real ${label}: a local server for development and tests (docs/oauth-standin.md).
  Scopes asked: <code>${escape(params.get('scope'))}</code>.</p>
  ${body}
</main></body></html>`
}
