import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const webDir = fileURLToPath(new URL('.', import.meta.url));

/**
 * Writes a brotli (`.br`) and a gzip (`.gz`) copy beside each script and style sheet of the build,
 * compressed once at their best, so the server sends them compressed at no cost per request
 * (`preCompressed` in src/http/console.ts).
 */
function precompress(): Plugin {
  return {
    name: 'drydock-precompress',
    apply: 'build',
    writeBundle(options) {
      const assets = `${options.dir!}/assets`;
      for (const name of readdirSync(assets).filter((n) => /\.(js|css)$/.test(n))) {
        const content = readFileSync(`${assets}/${name}`);
        writeFileSync(`${assets}/${name}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }));
        writeFileSync(`${assets}/${name}.gz`, gzipSync(content, { level: 9 }));
      }
    },
  };
}

/**
 * The console's build: web/ in, dist/web/ out (what `drydock serve` serves at `/`). `npm run dev:web`
 * serves it with hot reload and sends /api to a `drydock serve` on DRYDOCK_URL (default :8080).
 */
export default defineConfig({
  root: webDir,
  base: '/',
  plugins: [react(), precompress()],
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
