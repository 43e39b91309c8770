import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm'
import type { Database } from '../platform/db'
import { createLogger, describeError } from '../platform/logger'
import { releaseFiles } from './quota'
import { files, type FileRow } from './schema'
import { isUuid } from '../platform/format'
import { deleteObjects, thumbnailKeyFor } from './storage'

/**
 * Deleting a file touches Postgres, the meter and R2, none of which can roll the others back (issue 19,
 * 12b). The order makes every stop safe:
 *
 * 1. mark the row (`deleted_at`, committed): the file is gone for the owner, the API and every total;
 * 2. give its bytes and slot back to the meter (once: only the request whose mark took the row does it;
 *    a failure here is drift that the nightly reconcile corrects, as it excludes marked rows);
 * 3. delete its objects (original, thumbnail) from R2;
 * 4. delete the row, only once the objects are gone.
 *
 * A failure at 3 leaves a marked row and its objects; at 4, a marked row without objects. Both are what
 * `purgeDeletedFiles` (nightly, `files-purge`) looks for, and steps 3 and 4 are idempotent, so it simply
 * runs them again. No object outlives its row, and a row whose object is gone is always marked.
 */

/** Step 1: null when the file is not the owner's or is already being deleted. */
export async function markFileDeleted(db: Database, userId: string, id: string, now: Date): Promise<FileRow | null> {
  if (!isUuid(id)) return null
  const [row] = await db.update(files).set({ deletedAt: now, updatedAt: now })
    .where(and(eq(files.id, id), eq(files.userId, userId), isNull(files.deletedAt))).returning()
  return row ?? null
}

/** Steps 3 and 4 for one marked row. Throws when either fails; running it again is harmless. */
export async function purgeFile(deps: { db: Database; bucket: R2Bucket }, file: Pick<FileRow, 'id' | 'r2Key' | 'thumbnailKey'>): Promise<void> {
  // The thumbnail's key is derived, not only read from the row: a thumbnailer finishing after the mark
  // may have written it after this row was read.
  await deleteObjects(deps.bucket, [file.r2Key, file.thumbnailKey, thumbnailKeyFor(file.r2Key)])
  await deps.db.delete(files).where(and(eq(files.id, file.id), isNotNull(files.deletedAt)))
}

/**
 * Steps 2–4 after the marks are committed (a file's delete, a project's). The purge is tried once here;
 * what fails stays marked for the nightly sweep, and the owner's request still succeeds (the files are
 * gone for them). Returns how many were purged now.
 */
export async function finishDeletion(deps: { db: Database; env: Env; now: Date }, userId: string, marked: FileRow[]): Promise<number> {
  const log = createLogger()
  await releaseFiles(deps.env, userId, marked, deps.now, deps.db).catch((err: unknown) => log.error('quota not released after delete; reconcile corrects it', { userId, ...describeError(err) }))
  let purged = 0
  for (const file of marked) {
    try {
      await purgeFile({ db: deps.db, bucket: deps.env.FILES }, file)
      purged++
    } catch (err) {
      log.error('file purge failed; left marked for the nightly sweep', { fileId: file.id, ...describeError(err) })
    }
  }
  return purged
}

export const PURGE_BATCH = 100

/**
 * The retry path: every marked row, oldest first, a bounded batch at a time. A row that fails again stays
 * marked for the next run; the loop stops after a batch in which nothing could be purged (R2 or Postgres
 * down), so one run never spins.
 */
export async function purgeDeletedFiles(deps: { db: Database; bucket: R2Bucket }, opts: { batch?: number; maxBatches?: number } = {}): Promise<{ purged: number; failed: number }> {
  const batch = opts.batch ?? PURGE_BATCH
  const log = createLogger()
  let purged = 0
  let failed = 0
  const skip = new Set<string>()
  for (let round = 0; round < (opts.maxBatches ?? 100); round++) {
    const rows = await deps.db.select({ id: files.id, r2Key: files.r2Key, thumbnailKey: files.thumbnailKey }).from(files)
      .where(isNotNull(files.deletedAt)).orderBy(asc(files.deletedAt), asc(files.id)).limit(batch + skip.size)
    const todo = rows.filter((r) => !skip.has(r.id)).slice(0, batch)
    if (todo.length === 0) break
    let progressed = false
    for (const row of todo) {
      try {
        await purgeFile(deps, row)
        purged++
        progressed = true
      } catch (err) {
        failed++
        skip.add(row.id)
        log.error('file purge failed again; next run retries', { fileId: row.id, ...describeError(err) })
      }
    }
    if (!progressed) break
  }
  return { purged, failed }
}
