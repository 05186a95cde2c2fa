import { defineConfig } from 'vite';

// The dashboard (docs/adr/0026-dashboard-stack.md): built into dist/web, which the API serves at /.
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/',
  // The typed API client (libs/api-client) is bundled from its sources, as tsconfig's paths say.
  resolve: {
    alias: {
      '#libs/api-client': new URL('../libs/api-client/src/index.ts', import.meta.url).pathname,
    },
  },
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
