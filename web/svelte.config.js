import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import adapter from '@sveltejs/adapter-node';
import { buildLogFromText, isBuildNoise } from './build-logs.js';

/**
 * adapter-node reads `package.json` from the working directory and leaves its `dependencies`
 * external. The only package.json is the repo root's (zod, the AWS SDK, …), but web/build should
 * run with no node_modules beside it (a Lambda asset, the local server), so adapt() runs from a
 * scratch directory whose package.json lists no dependencies: everything the server needs is
 * bundled into web/build.
 */
function adapterBundlingEverything() {
  const node = adapter({ out: fileURLToPath(new URL('./build', import.meta.url)) });
  return {
    ...node,
    /** @param {import('@sveltejs/kit').Builder} builder */
    async adapt(builder) {
      const scratch = builder.getBuildDirectory('adapter-cwd');
      mkdirSync(scratch, { recursive: true });
      writeFileSync(join(scratch, 'package.json'), '{ "private": true }\n');
      const previous = process.cwd();
      process.chdir(scratch);
      // adapter-node's Rollup takes no onwarn/onLog and prints each warning with console.warn:
      // drop the known noise of bundling packages (build-logs.js), keep everything else.
      const warn = console.warn;
      console.warn = (...args) => {
        if (args.length === 1 && typeof args[0] === 'string' && isBuildNoise(buildLogFromText(args[0]))) return;
        warn(...args);
      };
      try {
        await node.adapt(builder);
      } finally {
        console.warn = warn;
        process.chdir(previous);
      }
    },
  };
}

/** @type {import('@sveltejs/kit').Config} */
const config = {
  kit: {
    adapter: adapterBundlingEverything(),
    // Nonces for server-rendered pages, hashes for prerendered ones: only SvelteKit's own
    // bootstrap script runs inline; everything else comes from this origin.
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        // 'unsafe-hashes' with one hash allows exactly one style attribute: the visually hidden
        // route announcer that kit renders after a client-side navigation (kit 2.70, write_root.js).
        'style-src': ['self', 'unsafe-hashes', 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='],
        'img-src': ['self'],
        'font-src': ['self'],
        'connect-src': ['self'],
        'form-action': ['self'],
        'base-uri': ['self'],
        'object-src': ['none'],
        'frame-ancestors': ['none'],
      },
    },
    version: { pollInterval: 0 },
  },
};

export default config;
