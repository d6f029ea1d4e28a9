// Like the one-time 办件 link (r/[token]): a plain server-rendered form, no framework JavaScript.
export const csr = false;
