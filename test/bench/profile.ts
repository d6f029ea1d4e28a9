import { readFileSync } from 'node:fs';

/**
 * Summary of a V8 .cpuprofile (as written by the inspector's Profiler.stop): self time per
 * function and per category (AWS SDK, zod, middy, Node HTTP, …), idle time excluded.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  /** Profiled wall time and the busy (non-idle) part of it, ms. */
  wallMs: number;
  busyMs: number;
  categories: { category: string; ms: number; share: number }[];
  functions: { name: string; where: string; category: string; ms: number; share: number }[];
}

export function category(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)') return 'V8/native (program)';
    if (/^(writev|writeUtf8String|writeLatin1String|writeBuffer|shutdown|close)$/.test(functionName)) return 'socket writes (native writev …)';
    if (/^(Hash|Hmac|digest|update|getKeyObjectSlots|RandomBytesJob|randomBytes|Sign|Verify)$/.test(functionName)) return 'Node crypto';
    if (/^(utf8Slice|latin1Slice|asciiSlice|decodeUTF8|decode|encodeInto|utf8Write)$/.test(functionName)) return 'string/buffer conversion (native)';
    if (functionName === 'runMicrotasks') return 'promise/microtask machinery';
    if (/^(execute|initialize|finish|consume|parse)$/.test(functionName)) return 'Node HTTP (server + SDK client)';
    return 'other native';
  }
  // The profiler's own session (node:inspector) is measurement overhead, not server work.
  if (url === 'node:inspector' || url.startsWith('node:internal/inspector')) return 'profiler';
  if (/node_modules\/(@aws-sdk|@smithy|@aws-crypto|fast-xml-parser|tslib)\//.test(url)) return 'AWS SDK v3 (@aws-sdk, @smithy)';
  if (/node_modules\/zod\//.test(url)) return 'zod';
  if (/node_modules\/@middy\//.test(url)) return 'middy';
  if (/node_modules\/tsx\//.test(url) || /node_modules\/esbuild\//.test(url)) return 'tsx loader';
  if (/node_modules\/([^/]+)\//.test(url)) return `npm: ${/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)![1]}`;
  if (/^node:(internal\/)?(_http|http)/.test(url) || url.startsWith('node:internal/http')) return 'Node HTTP (server + SDK client)';
  if (/^node:(internal\/)?(net|stream|streams|internal\/stream_base)/.test(url) || url.startsWith('node:internal/streams')) return 'Node net/streams';
  if (url.startsWith('node:internal/crypto') || url.startsWith('node:crypto')) return 'Node crypto';
  if (url.startsWith('node:')) return 'Node internals (timers, events, url, …)';
  if (url.includes('/functions/src/')) return 'handler + data layer (functions/src)';
  if (url.includes('/shared/src/')) return 'contracts (shared/src)';
  if (url.includes('/infra/local/')) return 'local gateway (infra/local)';
  if (url.includes('/test/bench/')) return 'bench server glue';
  return 'other';
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const wallMs = (profile.endTime - profile.startTime) / 1000;
  const categories = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; category: string; ms: number }>();
  let busyMs = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const cat = category(url, functionName);
    if (cat === 'idle' || cat === 'profiler') continue;
    busyMs += ms;
    categories.set(cat, (categories.get(cat) ?? 0) + ms);
    const where = url ? `${url.replace(/^file:\/\/.*?\/(node_modules|functions|shared|infra|test)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName}|${where}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', where, category: cat, ms: 0 };
    entry.ms += ms;
    functions.set(key, entry);
  }
  return {
    file,
    wallMs,
    busyMs,
    categories: [...categories]
      .map(([cat, ms]) => ({ category: cat, ms, share: ms / busyMs }))
      .sort((a, b) => b.ms - a.ms),
    functions: [...functions.values()]
      .map((entry) => ({ ...entry, share: entry.ms / busyMs }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top),
  };
}
