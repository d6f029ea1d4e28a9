// Known noise of the web build, dropped on purpose so that a warning that does show is worth
// reading. Used by vite.config.ts (Rolldown's logs: the client and server builds) and by
// svelte.config.js (adapter-node bundles web/build with Rollup, which has no log option there and
// prints each warning as one string). Everything not listed here still prints, and errors always do.

const IN_NODE_MODULES = /(^|[\\/])node_modules[\\/]/;

/**
 * @typedef {{ code?: string; message?: string; id?: string; ids?: readonly string[]; names?: readonly string[] }} BuildLog
 */

/**
 * True for a log the build may drop:
 * - PLUGIN_TIMINGS: Rolldown's note on which plugin callbacks were slow (SvelteKit's own, every build);
 * - INVALID_ANNOTATION in a package (zod's comments mention `@__PURE__` in a place Rollup ignores);
 * - CIRCULAR_DEPENDENCY when every module of the cycle is in a package (zod's core.js ⇄ util.js);
 * - EMPTY_BUNDLE of SvelteKit's env chunk (chunks/env.js: empty when no `$env` module is read).
 * An annotation or a cycle in our own code is kept.
 * @param {BuildLog} log
 * @returns {boolean}
 */
export function isBuildNoise(log) {
  switch (log.code) {
    case 'PLUGIN_TIMINGS':
      return true;
    case 'INVALID_ANNOTATION':
      return typeof log.id === 'string' && IN_NODE_MODULES.test(log.id);
    case 'CIRCULAR_DEPENDENCY':
      return Array.isArray(log.ids) && log.ids.length > 0 && log.ids.every((id) => IN_NODE_MODULES.test(id));
    case 'EMPTY_BUNDLE':
      return Array.isArray(log.names) && log.names.length > 0 && log.names.every((name) => name === 'chunks/env.js');
    default:
      return false;
  }
}

/**
 * The log behind one warning Rollup printed (its default handler prints only the text), for the
 * shapes isBuildNoise knows; any other text comes back as a log without a code (so it is kept).
 * @param {string} text
 * @returns {BuildLog}
 */
export function buildLogFromText(text) {
  const annotation = /^in "([^"]+)" contains an annotation that Rollup cannot interpret/m.exec(text);
  if (annotation) return { code: 'INVALID_ANNOTATION', message: text, id: annotation[1] };
  const cycle = /^Circular dependency: (.+)$/.exec(text.trim());
  if (cycle) return { code: 'CIRCULAR_DEPENDENCY', message: text, ids: cycle[1].split(' -> ') };
  const empty = /^Generated an empty chunk: "([^"]+)"\.$/.exec(text.trim());
  if (empty) return { code: 'EMPTY_BUNDLE', message: text, names: [empty[1]] };
  return { message: text };
}
