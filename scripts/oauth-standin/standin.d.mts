// Types for the OAuth stand-in's handler (standin.mjs), imported by the workers tests.
export declare const STANDIN_CLIENTS: Record<'github' | 'google', { id: string; secret: string }>
export declare const IDENTITIES: readonly ['verified', 'unverified', 'denied', 'error']
export declare function generateSigningKey(): Promise<CryptoKeyPair>
export declare function createOAuthStandin(options: { baseUrl: string; now?: () => Date; keyPair?: Promise<CryptoKeyPair> }): {
  baseUrl: string
  handle: (request: Request) => Promise<Response>
  codes: Map<string, unknown>
}
