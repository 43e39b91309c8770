/**
 * The one logger: one JSON object per line, with a level and (inside a request) the request id.
 *
 * Redaction is by design, not by caller discipline (ASVS 16.2.5, security checklist 34):
 * - fields whose name says secret (password, hash, token, secret, code, cookie, authorization, key) are
 *   replaced by "[redacted]";
 * - every string has email addresses masked (`a***@example.com`) and query strings cut (`/path?…`);
 * - errors are described by name and message only, and a database error by its SQLSTATE and our SQL
 *   text, never the bound parameters nor the literals Postgres quotes back in its message.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  /** The same logger with these fields on every line (e.g. the request id). */
  with(fields: LogFields): Logger
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }
const SECRET_KEY = /pass(word)?|hash|token|secret|^code$|cookie|authori[sz]ation|api_?key|^key$/i
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g
// A URL or path followed by a query string: keep the path, drop what follows "?".
const QUERY = /(\/[^\s?"']*)\?[^\s"']*/g

export function maskEmail(text: string): string {
  return text.replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`)
}

export function redactText(text: string): string {
  return maskEmail(text.replace(QUERY, '$1?…'))
}

interface DatabaseErrorLike {
  code?: unknown
  constraint?: unknown
  table?: unknown
  column?: unknown
  message?: unknown
}

// Postgres quotes offending values back in its messages ('invalid input syntax for type integer: "…"'),
// so quoted parts are dropped; identifiers worth knowing come from the structured fields instead.
function describeDatabaseError(cause: DatabaseErrorLike, query?: string): LogFields {
  const out: LogFields = { kind: 'database' }
  if (typeof cause.code === 'string') out.sqlstate = cause.code
  for (const key of ['constraint', 'table', 'column'] as const) if (typeof cause[key] === 'string') out[key] = cause[key]
  if (typeof cause.message === 'string') out.message = cause.message.replace(/"[^"]*"|'[^']*'/g, '"…"').split('\n')[0]
  if (query !== undefined) out.query = query.slice(0, 500)
  return out
}

/** A loggable description of anything thrown; never the parameters of a failed query. */
export function describeError(err: unknown): LogFields {
  if (err && typeof err === 'object') {
    const e = err as Error & { query?: unknown; cause?: unknown; code?: unknown }
    // drizzle's DrizzleQueryError: "Failed query: <sql>\nparams: <values>", the driver's error as cause.
    if (typeof e.query === 'string' && e.cause && typeof e.cause === 'object') return describeDatabaseError(e.cause as DatabaseErrorLike, e.query)
    // The Neon/pg driver's own DatabaseError carries a five-character SQLSTATE.
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return describeDatabaseError(e)
    if ('message' in e) return { name: typeof e.name === 'string' ? e.name : 'Error', message: redactText(String(e.message).replace(/\nparams:[\s\S]*$/, '')) }
  }
  return { message: redactText(String(err)) }
}

function redactValue(key: string, value: unknown): unknown {
  if (value === undefined || value === null) return value
  if (SECRET_KEY.test(key)) return '[redacted]'
  if (value instanceof Error || key === 'error' || key === 'err') return describeError(value)
  if (typeof value === 'string') return redactText(value)
  if (typeof value === 'number' || typeof value === 'boolean') return value
  if (Array.isArray(value)) return value.map((v) => redactValue('', v))
  if (typeof value === 'object') return redactFields(value as LogFields)
  return String(value)
}

export function redactFields(fields: LogFields): LogFields {
  const out: LogFields = {}
  for (const [key, value] of Object.entries(fields)) out[key] = redactValue(key, value)
  return out
}

export interface LoggerOptions {
  /** Lines below this level are dropped (default info). */
  minLevel?: LogLevel
  fields?: LogFields
  /** Where lines go; tests may pass a collector. Default: console.error for errors, console.warn for warnings, console.log otherwise. */
  write?: (level: LogLevel, line: string) => void
}

function writeToConsole(level: LogLevel, line: string): void {
  if (level === 'error') console.error(line)
  else if (level === 'warn') console.warn(line)
  else console.log(line)
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = RANK[options.minLevel ?? 'info']
  const base = options.fields ?? {}
  const write = options.write ?? writeToConsole
  const emit = (level: LogLevel) => (msg: string, fields: LogFields = {}) => {
    if (RANK[level] < min) return
    write(level, JSON.stringify({ level, msg: redactText(msg), ...redactFields({ ...base, ...fields }) }))
  }
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    with: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  }
}
