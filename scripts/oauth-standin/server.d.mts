// Types for the OAuth stand-in's HTTP server (server.mjs), imported by the browser tests' global setup.
export declare function standinVars(baseUrl: string): Record<'GITHUB_CLIENT_ID' | 'GITHUB_CLIENT_SECRET' | 'GOOGLE_CLIENT_ID' | 'GOOGLE_CLIENT_SECRET' | 'OAUTH_STANDIN_URL', string>
export declare function startOAuthStandin(options: { port: number }): Promise<{ baseUrl: string; close: () => Promise<void> }>
