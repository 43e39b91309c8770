// Whether the dev scripts may load demo data (published passwords) into a database (issue 9, finding 9).
// A loopback URL proves nothing: a production database reached through an SSH tunnel or a proxy is on
// 127.0.0.1 too. So: always the embedded Postgres this script started itself; any other database only
// when the developer says so (`--seed` or QS_SEED=1), and never one that is not on loopback.
const LOOPBACK = /@(127\.0\.0\.1|localhost|\[::1\])[:/]/

export function decideSeed({ startedEmbedded, databaseUrl, argv = process.argv.slice(2), env = process.env }) {
  if (startedEmbedded) return { seed: true, note: '' }
  const asked = argv.includes('--seed') || env.QS_SEED === '1'
  if (!LOOPBACK.test(databaseUrl)) {
    return { seed: false, note: 'DATABASE_URL is not a local database: demo data not loaded (it never is)' }
  }
  if (!asked) {
    return { seed: false, note: 'DATABASE_URL is set: demo data not loaded. If that database is yours and disposable, add --seed or QS_SEED=1' }
  }
  return { seed: true, note: 'DATABASE_URL is set and seeding was asked for (--seed / QS_SEED=1)' }
}
