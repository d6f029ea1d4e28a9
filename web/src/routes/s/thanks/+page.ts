// A plain server-rendered page, like /r/thanks.
export const csr = false;
