import { defineConfig } from 'vite'

// No framework plugin: Preact needs only the automatic JSX runtime pointed at it (Vite's own
// transform does that), and Preact's Vite preset would pull in Babel for dev-only niceties.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // amazon-cognito-identity-js bundles `buffer` 4, which reads Node's `global`.
  define: { global: 'globalThis' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Hashed file names under assets/: the gateway can cache them for a year; index.html never.
    assetsDir: 'assets',
  },
})
