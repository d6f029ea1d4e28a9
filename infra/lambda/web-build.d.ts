/**
 * SvelteKit's server build (`.svelte-kit/output/server`, what `builder.getServerDirectory()` hands
 * to every adapter), aliased by esbuild to the directory the web stack finds
 * (`--alias:manyi-sveltekit-server=<dir>`). Typed from @sveltejs/kit itself.
 */
declare module 'manyi-sveltekit-server/index.js' {
  export { Server } from '@sveltejs/kit';
}

declare module 'manyi-sveltekit-server/manifest.js' {
  export const manifest: import('@sveltejs/kit').SSRManifest;
}
