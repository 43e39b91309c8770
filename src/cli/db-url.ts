import { CliError, EXIT } from './errors'

// Connection-string helpers without pg or drizzle, so commands can validate before loading either.
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')
}

export function isLocalDatabaseUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1'
  } catch {
    return false
  }
}

export function requireDatabaseUrl(values: Record<string, string | undefined>, source: string): string {
  const url = values.DATABASE_URL
  if (!url) {
    throw new CliError(
      `DATABASE_URL is not set (looked in ${source}).`,
      'Start the local database with `npm run db:start` (it writes .dev.vars), or set DATABASE_URL=postgresql://… in the environment.',
      EXIT.config,
    )
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new CliError(`DATABASE_URL is not a postgres:// connection string.`, 'Set DATABASE_URL to postgresql://user:password@host:port/database.', EXIT.config)
  }
  return url
}
