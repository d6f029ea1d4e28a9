import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { isBuildNoise } from './build-logs.js';

// SvelteKit 2 resolves svelte.config.js, src/ and .svelte-kit/ against process.cwd(), also in its
// post-build analysis. The root script runs `vite build web` from the repo root, so move into web/
// before the kit plugin is loaded (hence the dynamic import). The analysis re-reads this file in a
// worker thread, where chdir is not allowed but the working directory is already web/.
const webRoot = fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, '');
if (process.cwd() !== webRoot) process.chdir(webRoot);
const { sveltekit } = await import('@sveltejs/kit/vite');

export default defineConfig({
  plugins: [sveltekit()],
  build: {
    reportCompressedSize: false,
    // Never inline assets as data: URLs; the CSP allows scripts and images from 'self' only.
    assetsInlineLimit: 0,
    rolldownOptions: {
      // Drop the known noise (build-logs.js: plugin timings, packages' annotations and cycles);
      // our own warnings and every error still print.
      onLog(level, log, handler) {
        if (level === 'warn' && isBuildNoise(log)) return;
        handler(level, log);
      },
    },
  },
});
