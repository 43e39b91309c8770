// Wrangler (and the vitest pool) bundle `.wasm` imports as a compiled WebAssembly.Module: workerd
// forbids compiling WebAssembly from bytes at run time (docs/auth.md, ADR 0020).
declare module '@phi-ag/argon2/argon2.wasm' {
  const module: WebAssembly.Module
  export default module
}
