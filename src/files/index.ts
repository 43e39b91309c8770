import { Hono } from 'hono'
import type { Feature } from '../platform/feature'
import type { AppEnv } from '../platform/types'
import { fileRoutes } from './routes'
import { projectRoutes } from './project-routes'
import { fileApiRoutes } from './api'
import { fileApiOperations } from './api-schemas'
import { deleteAccountFiles, getStorageSummary } from './service'
import { deletePrefix } from './storage'
import { StorageCard } from './views/card'
import { storageAdminPanel } from './admin-panel'
import { createReconcileJob, RECONCILE_CRON } from '../usage'
import { createDb } from '../platform/db'
import { createLogger } from '../platform/logger'
import { purgeDeletedFiles } from './deletion'

// The files feature's public entry (docs/files.md, ADR 0006): R2 storage, projects, the browser, thumbnails.
export { getStorageSummary, countFilesByUser } from './service'
export { THUMBNAIL_QUEUE } from './thumbnails'

export const filesFeature: Feature = {
  name: 'files',
  routes: new Hono<AppEnv>().route('/', fileApiRoutes).route('/', projectRoutes).route('/', fileRoutes),
  nav: [{ href: '/files', label: 'Files', audience: 'verified', position: 'sidebar', icon: 'folder', order: 20 }],
  apiOperations: fileApiOperations,
  dashboardCards: [{
    id: 'files',
    title: 'Files',
    order: 20,
    audience: 'user',
    load: (db, viewer) => getStorageSummary(db, viewer.id),
    render: (summary: { bytes: number; files: number }, viewer) => StorageCard({ summary, verified: viewer.emailVerified }),
  }],
  adminPanels: [storageAdminPanel],
  // Nightly: usage's storage and file-count gauges trued up to these rows (the truth lives here, so the
  // job does too: usage depends on no feature, files on usage). Drift is logged and corrected.
  scheduled: [
    createReconcileJob((db, userId) => getStorageSummary(db, userId), RECONCILE_CRON),
    // The retry path of a file delete that stopped halfway (deletion.ts): marked rows' objects, then rows.
    {
      cron: RECONCILE_CRON,
      name: 'files-purge',
      run: async (_controller, env) => {
        const handle = createDb(env)
        try {
          const result = await purgeDeletedFiles({ db: handle.db, bucket: env.FILES })
          createLogger().info('files purge done', result)
        } finally {
          await handle.close()
        }
      },
    },
  ],
  adminUserSections: [{
    id: 'files',
    title: 'Files',
    order: 20,
    load: (db, userId) => getStorageSummary(db, userId),
    render: (summary: { bytes: number; files: number }) => StorageCard({ summary, verified: true, admin: true }),
  }],
  // Account deletion's files step (from the deletion queue, ADR 0084; idempotent): the rows first — a
  // thumbnail job still queued then finds no file and writes nothing — then every object under the
  // account's prefix. An R2 failure throws and the queue retries; the rows are already gone, the prefix
  // is listed again.
  accountCleanups: [async (db, user, env) => {
    await deleteAccountFiles(db, user.id)
    await deletePrefix(env.FILES, `${user.id}/`)
  }],
}
