// The resident page ships no framework JavaScript: it is a plain server-rendered form that works
// on any phone, and one small script (rating-form-enhance.js) improves it where JavaScript runs.
// With client-side rendering the page needed about 36 KB of gzipped JavaScript, over its 35 KB budget,
// for no gain a resident would notice.
export const csr = false;
