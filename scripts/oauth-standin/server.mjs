// Serves the OAuth stand-in (standin.mjs) over HTTP on loopback for `npm run dev` and the browser tests.
import { serveOnLoopback } from '../loopback-server.mjs'
import { createOAuthStandin, STANDIN_CLIENTS } from './standin.mjs'

/** The variables that point the app at the stand-in: its keys and its address. */
export function standinVars(baseUrl) {
  return {
    GITHUB_CLIENT_ID: STANDIN_CLIENTS.github.id,
    GITHUB_CLIENT_SECRET: STANDIN_CLIENTS.github.secret,
    GOOGLE_CLIENT_ID: STANDIN_CLIENTS.google.id,
    GOOGLE_CLIENT_SECRET: STANDIN_CLIENTS.google.secret,
    OAUTH_STANDIN_URL: baseUrl,
  }
}

/** Starts the stand-in on 127.0.0.1:port. Returns { baseUrl, close }. */
export async function startOAuthStandin({ port }) {
  const baseUrl = `http://127.0.0.1:${port}`
  const standin = createOAuthStandin({ baseUrl })
  const { close } = await serveOnLoopback(port, (request) => standin.handle(request))
  return { baseUrl, close }
}
