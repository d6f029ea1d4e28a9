// A page to read, with nothing to press but links: plain server-rendered HTML, no framework
// JavaScript on a resident's phone (as the resident rating page, /w/{code}).
export const csr = false;
