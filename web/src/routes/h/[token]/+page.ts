// Like the rating link page (r/[token]/+page.ts): a plain server-rendered form, no framework JavaScript.
export const csr = false;
