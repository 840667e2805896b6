import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webDir = fileURLToPath(new URL('.', import.meta.url));

/**
 * The console's build: web/ in, dist/web/ out (what `drydock serve` serves at `/`). `npm run dev:web`
 * serves it with hot reload and sends /api to a `drydock serve` on DRYDOCK_URL (default :8080).
 */
export default defineConfig({
  root: webDir,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    proxy: { '/api': { target: process.env.DRYDOCK_URL ?? 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});
