import { defineConfig } from 'vite';

// The dashboard (docs/adr/0026-dashboard-stack.md): built into dist/web, which the API serves at /.
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: new URL('../dist/web', import.meta.url).pathname,
    emptyOutDir: true,
    target: 'es2022',
    // No inline data: the Content-Security-Policy allows scripts and styles from the API only.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
