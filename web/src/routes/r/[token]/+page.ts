// Like the window page (w/[code]/+page.ts): a plain server-rendered form, no framework JavaScript.
export const csr = false;
