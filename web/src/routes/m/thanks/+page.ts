// A plain server-rendered page: the unit is chosen by links, the letter sent by a form, no framework JavaScript.
export const csr = false;
