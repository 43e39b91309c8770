// Vite's `?raw` suffix: the file's text, for tests that check config files against the code.
declare module '*?raw' {
  const text: string
  export default text
}
