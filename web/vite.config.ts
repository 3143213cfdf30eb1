/** Vite config of the web app: `vite build --config web/vite.config.ts` writes web/dist, served by the API. */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// The API refuses a sign-in whose Origin does not match its Host, so the proxy keeps the browser's Host
// header: the object form with changeOrigin false (Vite's string shorthand turns changeOrigin on).
const api = { target: 'http://localhost:3000', changeOrigin: false };

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': api,
      '/healthz': api,
      '/readyz': api,
      '/metrics': api,
    },
  },
});
