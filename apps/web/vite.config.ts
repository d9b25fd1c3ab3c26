import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The server serves dist/ from the same origin in production; in development Vite proxies /api to it.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The server sends a strict CSP: keep every script in a file, never inline.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:7788' },
  },
});
