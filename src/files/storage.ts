/**
 * The R2 storage service: plain functions over the `FILES` bucket binding. Keys are always
 * server-generated (`<userId>/<uuid>`, thumbnails `<userId>/<uuid>.thumb.jpg`): one prefix per account,
 * so deleting an account lists and deletes by prefix.
 */
export function newObjectKey(userId: string): string {
  return `${userId}/${crypto.randomUUID()}`
}

export function thumbnailKeyFor(objectKey: string): string {
  return `${objectKey}.thumb.jpg`
}

export function putObject(bucket: R2Bucket, key: string, body: ReadableStream | ArrayBuffer | Uint8Array, contentType: string): Promise<R2Object> {
  return bucket.put(key, body, { httpMetadata: { contentType } })
}

export function getObject(bucket: R2Bucket, key: string, options?: R2GetOptions): Promise<R2ObjectBody | null> {
  return bucket.get(key, options) as Promise<R2ObjectBody | null>
}

export async function deleteObjects(bucket: R2Bucket, keys: (string | null | undefined)[]): Promise<void> {
  const present = keys.filter((k): k is string => typeof k === 'string' && k.length > 0)
  // R2 deletes at most 1,000 keys per call.
  for (let i = 0; i < present.length; i += 1000) await bucket.delete(present.slice(i, i + 1000))
}

export async function* listKeys(bucket: R2Bucket, prefix: string): AsyncGenerator<string> {
  let cursor: string | undefined
  do {
    const page = await bucket.list({ prefix, cursor, limit: 1000 })
    for (const object of page.objects) yield object.key
    cursor = page.truncated ? page.cursor : undefined
  } while (cursor)
}

/** Deletes every object under `prefix` (an account's `<userId>/`). */
export async function deletePrefix(bucket: R2Bucket, prefix: string): Promise<number> {
  let batch: string[] = []
  let count = 0
  for await (const key of listKeys(bucket, prefix)) {
    batch.push(key)
    if (batch.length === 1000) { await deleteObjects(bucket, batch); count += batch.length; batch = [] }
  }
  await deleteObjects(bucket, batch)
  return count + batch.length
}
