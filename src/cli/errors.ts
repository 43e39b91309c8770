/**
 * Exit codes (docs/cli.md). Scripts and CI branch on them, so they never change meaning:
 * 0 success · 1 a check or the command's work failed · 2 usage (unknown command, bad option or argument)
 * · 3 configuration missing or invalid · 4 database unreachable or not migrated · 5 an outside service
 * (Cloudflare, Stripe) unreachable or refused · 6 refused on purpose (would be unsafe) · 70 a bug.
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  config: 3,
  database: 4,
  service: 5,
  refused: 6,
  internal: 70,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** A failure the user can act on: what is wrong, and the command or setting that fixes it. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly fix: string,
    readonly exitCode: ExitCode = EXIT.failed,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'CliError'
  }
}

/** The message of anything thrown, without a stack (Postgres and WebSocket errors are not always Errors). */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return describeError(err.errors[0])
  if (err instanceof Error) return err.message || err.name
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message)
  return String(err)
}
