import argon2Wasm from '@phi-ag/argon2/argon2.wasm'

/**
 * Thin binding over the argon2 reference implementation shipped by @phi-ag/argon2 as a .wasm module.
 * We call the raw exports instead of the package's wrapper because the wrapper passes
 * `password.length` (UTF-16 code units) as the byte length, which silently truncates any password
 * containing non-ASCII characters — a violation of "no truncation" (checklist 1, ASVS 6.2.9).
 */
interface Argon2Exports {
  memory: WebAssembly.Memory
  _initialize?: () => void
  malloc: (size: number) => number
  free: (ptr: number) => void
  argon2_hash: (
    t: number, m: number, p: number, pwd: number, pwdLen: number, salt: number, saltLen: number,
    hash: number, hashLen: number, encoded: number, encodedLen: number, type: number, version: number,
  ) => number
}

export interface Argon2Params {
  memoryKiB: number
  iterations: number
  parallelism: number
  hashLength: number
}

const ARGON2ID = 2
const VERSION_13 = 0x13

let instance: Argon2Exports | null = null

// The compiled module is a pure function of its inputs; instantiating it once per isolate is safe.
async function load(module: WebAssembly.Module): Promise<Argon2Exports> {
  if (instance) return instance
  const created = (await WebAssembly.instantiate(module)) as unknown as WebAssembly.Instance
  const exports = created.exports as unknown as Argon2Exports
  exports._initialize?.()
  instance = exports
  return exports
}

export async function argon2id(password: Uint8Array, salt: Uint8Array, params: Argon2Params, wasm: WebAssembly.Module = argon2Wasm): Promise<Uint8Array> {
  const x = await load(wasm)
  const pwdPtr = x.malloc(Math.max(password.length, 1))
  const saltPtr = x.malloc(salt.length)
  const hashPtr = x.malloc(params.hashLength)
  try {
    new Uint8Array(x.memory.buffer).set(password, pwdPtr)
    new Uint8Array(x.memory.buffer).set(salt, saltPtr)
    const rc = x.argon2_hash(
      params.iterations, params.memoryKiB, params.parallelism, pwdPtr, password.length, saltPtr, salt.length,
      hashPtr, params.hashLength, 0, 0, ARGON2ID, VERSION_13,
    )
    if (rc !== 0) throw new Error(`argon2 failed with code ${rc}`)
    return new Uint8Array(x.memory.buffer).slice(hashPtr, hashPtr + params.hashLength)
  } finally {
    // Wipe the password copy before giving the memory back.
    new Uint8Array(x.memory.buffer).fill(0, pwdPtr, pwdPtr + password.length)
    x.free(pwdPtr)
    x.free(saltPtr)
    x.free(hashPtr)
  }
}
