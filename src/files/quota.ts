import type { Database } from '../platform/db'
import { consumeQuota, readQuota, releaseQuota, type QuotaDenial } from '../usage'
import { formatBytes } from '../platform/format'
import type { FileRow } from './schema'
import type { UploadQuota } from './upload'

function denialMessage(denied: QuotaDenial | undefined): { message: string; status: 413 | 429; retryAfterSeconds?: number } {
  switch (denied?.metric) {
    case 'storage_bytes':
      return { status: 413, message: `Not enough storage left: you use ${formatBytes(denied.used)} of ${formatBytes(denied.limit)}. Delete files or upgrade your plan.` }
    case 'file_count':
      return { status: 413, message: `You have reached your plan's limit of ${denied.limit} files. Delete files or upgrade your plan.` }
    case 'uploads':
      return { status: 429, retryAfterSeconds: denied.retryAfterSeconds, message: `You have used all ${denied.limit} uploads of this period. Uploads start again next period, or upgrade your plan.` }
    default:
      return { status: 429, message: 'Your plan does not allow this upload.' }
  }
}

/** The upload's quota steps, on usage's UsageMeter (consumed atomically before any byte is stored). */
export function uploadQuota(env: Env, userId: string, db: Database, now: Date): UploadQuota {
  return {
    consume: async (items) => {
      const result = await consumeQuota(env, userId, items, { db, now })
      return result.allowed ? { allowed: true } : { allowed: false, ...denialMessage(result.denied) }
    },
    release: async (items) => { await releaseQuota(env, userId, items, { db, now }) },
  }
}

/** A deleted file gives back its bytes and its slot (the monthly upload it used stays used). */
export async function releaseFiles(env: Env, userId: string, removed: Pick<FileRow, 'size'>[], now: Date, db?: Database): Promise<void> {
  if (removed.length === 0) return
  const bytes = removed.reduce((sum, f) => sum + f.size, 0)
  await releaseQuota(env, userId, [{ metric: 'storage_bytes', amount: bytes }, { metric: 'file_count', amount: removed.length }], { db, now })
}

export interface StorageQuota { usedBytes: number; limitBytes: number | null }

/** Storage used and allowed, as the meter counts it (what the next upload is checked against). */
export async function readStorageQuota(env: Env, userId: string, db: Database, now: Date): Promise<StorageQuota> {
  const result = await readQuota(env, userId, { db, now })
  return { usedBytes: result.usage.storage_bytes.used, limitBytes: result.usage.storage_bytes.limit }
}
