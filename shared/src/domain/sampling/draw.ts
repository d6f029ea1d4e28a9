import { compareUtf8 } from './byte-order.js';

/**
 * The verifiable draw `manyi-draw-v1` (docs/decisions/0017-manyi-draw-v1.md, issue 13 §3). Nobody,
 * not even the administrator who runs a round, can choose who is sampled:
 *
 * 1. On 已承诺 the server takes a 32-byte seed from a CSPRNG and publishes
 *    `commitment` = SHA-256(seed bytes), lowercase hex.
 * 2. On 已冻结 the canonical frame text is one line `{stratum}\t{entryId}\n` per entry, sorted by
 *    stratum then entryId (UTF-8 byte order); `frameHash` = SHA-256 of that text, lowercase hex.
 * 3. At the draw, for each entry `key` = HMAC-SHA256(seed bytes, UTF-8 of
 *    frameHash + "\n" + publicInput + "\n" + stratum + "\n" + entryId), lowercase hex. In each stratum
 *    the entries sorted by key ascending (ties, which need an HMAC collision, by entryId) give the
 *    sample: the first n_h.
 *
 * The hash functions come in as {@link DrawCrypto} so the domain stays free of I/O and platform
 * modules; every caller passes the platform's SHA-256 (node:crypto on the server and in the CLI).
 */
export const DRAW_FORMAT = 'manyi-draw-v1';

export interface DrawCrypto {
  sha256(data: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  /**
   * Optional fast path of the draw keys: HMAC-SHA256(key, UTF-8 of `text`) as lowercase hex, the
   * same value as toHex(hmacSha256(key, utf8(text))). A platform that can hash a string and write
   * hex natively saves most of a 200,000-entry draw's time with it.
   */
  hmacSha256Hex?(key: Uint8Array, text: string): string;
}

export interface FrameEntry {
  stratum: string;
  entryId: string;
}

export interface DrawProblem {
  field: string;
  message: string;
}

const utf8 = new TextEncoder();

/** The two hex digits of every byte value, computed once (a draw turns 200,000 keys into hex). */
const HEX_OF_BYTE = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (let index = 0; index < bytes.length; index++) hex += HEX_OF_BYTE[bytes[index]!];
  return hex;
}

/** Lowercase or uppercase hex of whole bytes → bytes; undefined for anything else. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index++) bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

export const SEED_BYTES = 32;
/** The public input is typed by a person at the draw: printable text on one line, at most 200 characters. */
export const PUBLIC_INPUT_MAX = 200;

/** A tab or a line break inside a stratum or an entry id would make the canonical frame text ambiguous. */
const SEPARATOR = /[\t\n\r]/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What the frame must satisfy before it can be hashed: non-empty keys without separators, unique entry ids. */
export function frameProblem(frame: readonly FrameEntry[]): DrawProblem | undefined {
  const seen = new Set<string>();
  for (const [index, { stratum, entryId }] of frame.entries()) {
    if (stratum === '' || SEPARATOR.test(stratum)) return { field: `frame.${index}.stratum`, message: 'must be non-empty, without tab or line break' };
    if (entryId === '' || SEPARATOR.test(entryId)) return { field: `frame.${index}.entryId`, message: 'must be non-empty, without tab or line break' };
    if (seen.has(entryId)) return { field: `frame.${index}.entryId`, message: 'appears twice in the frame (one entry per person)' };
    seen.add(entryId);
  }
  return undefined;
}

export function publicInputProblem(publicInput: string): DrawProblem | undefined {
  if ([...publicInput].length > PUBLIC_INPUT_MAX) return { field: 'publicInput', message: `must be at most ${PUBLIC_INPUT_MAX} characters` };
  if (CONTROL.test(publicInput)) return { field: 'publicInput', message: 'must be one line without control characters' };
  return undefined;
}

/** `commitment` = SHA-256 of the seed bytes, lowercase hex (step 1). */
export function commitmentOf(seed: Uint8Array, crypto: DrawCrypto): string {
  return toHex(crypto.sha256(seed));
}

/** Stratum, then entry id, each in UTF-8 byte order. */
export function compareEntries(a: FrameEntry, b: FrameEntry): number {
  return compareUtf8(a.stratum, b.stratum) || compareUtf8(a.entryId, b.entryId);
}

/** The canonical frame text (step 2): `{stratum}\t{entryId}\n` per entry in {@link compareEntries} order. */
export function canonicalFrameText(frame: readonly FrameEntry[]): string {
  return [...frame]
    .sort(compareEntries)
    .map(({ stratum, entryId }) => `${stratum}\t${entryId}\n`)
    .join('');
}

/** `frameHash` = SHA-256 of the canonical frame text's UTF-8, lowercase hex (step 2). */
export function frameHashOf(frame: readonly FrameEntry[], crypto: DrawCrypto): string {
  return toHex(crypto.sha256(utf8.encode(canonicalFrameText(frame))));
}

/** N_h: the number of frame entries per stratum, keys in UTF-8 byte order. */
export function stratumSizes(frame: readonly FrameEntry[]): { key: string; N: number }[] {
  const sizes = new Map<string, number>();
  for (const { stratum } of frame) sizes.set(stratum, (sizes.get(stratum) ?? 0) + 1);
  return [...sizes].map(([key, N]) => ({ key, N })).sort((a, b) => compareUtf8(a.key, b.key));
}

/** An entry's draw key (step 3), lowercase hex. */
export function drawKey(seed: Uint8Array, frameHash: string, publicInput: string, entry: FrameEntry, crypto: DrawCrypto): string {
  const text = `${frameHash}\n${publicInput}\n${entry.stratum}\n${entry.entryId}`;
  return crypto.hmacSha256Hex ? crypto.hmacSha256Hex(seed, text) : toHex(crypto.hmacSha256(seed, utf8.encode(text)));
}

export interface DrawInput {
  seed: Uint8Array;
  frameHash: string;
  publicInput: string;
  frame: readonly FrameEntry[];
  /** n_h per stratum key (from the allocation); a stratum not named gets 0. */
  sizes: Readonly<Record<string, number>>;
}

export interface DrawnEntry extends FrameEntry {
  key: string;
}

/**
 * The sample (step 3) in its canonical order: strata in UTF-8 byte order, within a stratum by key
 * ascending. Hex keys of equal length compare as their bytes do, so plain `<` is byte order here.
 */
export function drawSample(input: DrawInput, crypto: DrawCrypto): DrawnEntry[] {
  const byStratum = new Map<string, DrawnEntry[]>();
  for (const entry of input.frame) {
    const keyed = { stratum: entry.stratum, entryId: entry.entryId, key: drawKey(input.seed, input.frameHash, input.publicInput, entry, crypto) };
    const list = byStratum.get(entry.stratum);
    if (list) list.push(keyed);
    else byStratum.set(entry.stratum, [keyed]);
  }
  const sample: DrawnEntry[] = [];
  for (const stratum of [...byStratum.keys()].sort(compareUtf8)) {
    const entries = byStratum.get(stratum)!;
    entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : compareUtf8(a.entryId, b.entryId)));
    sample.push(...entries.slice(0, Math.max(0, input.sizes[stratum] ?? 0)));
  }
  return sample;
}
