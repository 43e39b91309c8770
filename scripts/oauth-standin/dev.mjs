// `npm run dev`'s provider choice: GitHub or Google keys in the environment or .dev.vars mean the real
// services; no keys at all mean the local stand-in on OAUTH_STANDIN_PORT (12112) for both providers.
import { readDevVars } from '../dev-vars.mjs'
import { startOAuthStandin, standinVars } from './server.mjs'
import { STANDIN_CLIENTS } from './standin.mjs'

export async function oauthDevVars({ port = Number(process.env.OAUTH_STANDIN_PORT ?? 12112) } = {}) {
  const file = readDevVars()
  const value = (name) => (process.env[name] ?? file[name] ?? '').trim()
  const standinIds = new Set(Object.values(STANDIN_CLIENTS).map((c) => c.id))
  const realKeys = ['GITHUB_CLIENT_ID', 'GOOGLE_CLIENT_ID'].filter((name) => value(name) !== '' && !standinIds.has(value(name)))
  if (realKeys.length > 0) {
    // Real keys: never leave a stand-in address from an earlier run in front of them.
    return { standin: null, vars: { OAUTH_STANDIN_URL: '' }, note: `sign-in: ${realKeys.map((k) => k.split('_')[0].toLowerCase()).join(' and ')} with your keys (callback: APP_URL + /oauth/<provider>/callback)` }
  }
  const standin = await startOAuthStandin({ port })
  return { standin, vars: standinVars(standin.baseUrl), note: `sign-in: no GitHub/Google keys — local OAuth stand-in at ${standin.baseUrl} (pick a test identity on its consent page; docs/oauth-standin.md)` }
}
