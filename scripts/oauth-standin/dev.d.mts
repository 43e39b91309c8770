// Types for `npm run dev`'s provider choice (dev.mjs), imported by test/scripts/oauth-standin.test.ts.
export declare function oauthDevVars(options?: { port?: number }): Promise<{ standin: { baseUrl: string; close: () => Promise<void> } | null; vars: Record<string, string>; note: string }>
