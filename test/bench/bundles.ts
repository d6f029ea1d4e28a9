import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { routes } from '../../functions/src/routes.js';
import { repoRoot } from '../../infra/local/stack.js';
import { machineCpu, median } from './stats.js';

/**
 * Lambda bundles: each handler of the route table bundled by esbuild the way the CDK stack does
 * (infra/constructs/manyi-function.ts when it exists), then imported by fresh Node processes.
 */
export const BUNDLE_MAX_BYTES = 600 * 1024;
export const IMPORT_MAX_MS = 150;

export interface BundleResult {
  handler: string;
  operationId: string;
  bytes: number;
  /** Largest inputs of the bundle (bytes in the output), to see what the size is made of. */
  largestInputs: { input: string; bytes: number }[];
  /** Largest single files (or directories of locale files) in the output. */
  largestFiles: { input: string; bytes: number }[];
  importMs: number[];
  importMedianMs: number;
  /** With NODE_OPTIONS=--enable-source-maps, as the construct configures the Lambda. */
  importWithSourceMapsMs: number[];
  importWithSourceMapsMedianMs: number;
  error?: string;
}

export interface BundlesResult {
  settings: { source: string; target: string; mainFields: string[]; sourcemap: boolean; banner: string; bundleAwsSdk: boolean };
  samples: number;
  bundles: BundleResult[];
  /** Over the bundles that built. */
  maxBytes: number;
  maxImportMedianMs: number;
  /** Cores used by other processes while the imports were timed (their noise is in the numbers). */
  othersCores: number;
  pass: { size: boolean; import: boolean };
}

const DEFAULT_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** The construct's bundling options, read from its source (importing it would load aws-cdk-lib). */
function constructSettings(): BundlesResult['settings'] {
  const file = join(repoRoot, 'infra', 'constructs', 'manyi-function.ts');
  if (!existsSync(file)) {
    return { source: 'defaults (no infra/constructs/manyi-function.ts)', target: 'node22', mainFields: ['module', 'main'], sourcemap: false, banner: DEFAULT_BANNER, bundleAwsSdk: true };
  }
  const text = readFileSync(file, 'utf8');
  const runtime = /Runtime\.NODEJS_(\d+)_X/.exec(text)?.[1];
  const banner = /REQUIRE_BANNER\s*=\s*(["'`])([\s\S]*?)\1\s*;/.exec(text)?.[2];
  const mainFields = /mainFields:\s*\[([^\]]*)\]/.exec(text)?.[1];
  return {
    source: 'infra/constructs/manyi-function.ts',
    target: runtime ? `node${runtime}` : 'node22',
    mainFields: mainFields ? [...mainFields.matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]!) : ['module', 'main'],
    sourcemap: /sourceMap:\s*true/.test(text),
    banner: banner ?? DEFAULT_BANNER,
    // CDK's default is to leave the SDK to the Lambda runtime on Node 18+; the construct says so explicitly.
    bundleAwsSdk: !/bundleAwsSDK:\s*false/.test(text),
  };
}

const IMPORT_SCRIPT = (url: string) =>
  `const t = performance.now(); await import(${JSON.stringify(url)}); console.log(JSON.stringify({ ms: performance.now() - t }));`;

function timeImport(file: string, extraNodeOptions: string): { ms?: number; error?: string } {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT(pathToFileURL(file).href)], {
    cwd: tmpdir(),
    encoding: 'utf8',
    // Handlers read their configuration lazily: nothing is needed to import them. NODE_OPTIONS is
    // reset so that the benchmark's own (tsx) options do not leak into the fresh process.
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: extraNodeOptions },
    timeout: 30_000,
  });
  if (result.status !== 0) return { error: (result.stderr || result.stdout || `exit ${result.status}`).trim().split('\n').slice(0, 6).join('\n') };
  try {
    return { ms: (JSON.parse(result.stdout.trim().split('\n').pop()!) as { ms: number }).ms };
  } catch {
    return { error: `unexpected output: ${result.stdout.slice(0, 200)}` };
  }
}

export async function runBundles(options: { samples: number; sourceMapSamples: number; log: (line: string) => void }): Promise<BundlesResult> {
  const settings = constructSettings();
  // Without the SDK in the bundle, an import must find it as the Lambda runtime provides it
  // (/var/runtime/node_modules): here the repo's node_modules, so the bundles live under .bench/.
  if (!settings.bundleAwsSdk) mkdirSync(join(repoRoot, '.bench'), { recursive: true });
  const outRoot = settings.bundleAwsSdk ? mkdtempSync(join(tmpdir(), 'manyi-bundles-')) : mkdtempSync(join(repoRoot, '.bench', 'bundles-'));
  options.log(
    `bundling ${routes.length} handlers (${settings.source}: esm, minify, ${settings.target}, AWS SDK ${settings.bundleAwsSdk ? 'bundled' : 'external'}) into ${outRoot} …`,
  );
  const bundles: BundleResult[] = [];
  const common: BuildOptions = {
    bundle: true,
    minify: true,
    platform: 'node',
    target: settings.target,
    format: 'esm',
    mainFields: settings.mainFields,
    banner: { js: settings.banner },
    sourcemap: settings.sourcemap,
    sourcesContent: false,
    tsconfig: join(repoRoot, 'tsconfig.json'),
    absWorkingDir: repoRoot,
    metafile: true,
    logLevel: 'silent',
    outExtension: { '.js': '.mjs' },
    ...(settings.bundleAwsSdk ? {} : { external: ['@aws-sdk/*'] }),
  };
  const entryOf = (handler: string) => ({ in: join(repoRoot, 'functions', 'src', 'handlers', `${handler}.ts`), out: join(handler, 'index') });
  const failures = new Map<string, string>();
  let othersCores = Number.NaN;
  let metafile: Metafile | undefined;
  try {
    // One esbuild call for all handlers: without code splitting every entry still gets its own
    // complete bundle, exactly what one NodejsFunction per handler gets.
    try {
      metafile = (await build({ ...common, entryPoints: routes.map((r) => entryOf(r.handler)), outdir: outRoot })).metafile!;
    } catch {
      // Someone's handler does not build (yet): build one by one to know which.
      const merged: Metafile = { inputs: {}, outputs: {} };
      for (const route of routes) {
        try {
          const part = (await build({ ...common, entryPoints: [entryOf(route.handler)], outdir: outRoot })).metafile!;
          Object.assign(merged.inputs, part.inputs);
          Object.assign(merged.outputs, part.outputs);
        } catch (error) {
          const first = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors?.[0];
          failures.set(route.handler, first ? `${first.text}${first.location ? ` (${first.location.file}:${first.location.line})` : ''}` : String(error));
        }
      }
      metafile = merged;
    }

    const outputs = new Map(Object.entries(metafile.outputs).filter(([, o]) => o.entryPoint).map(([file, o]) => [resolve(repoRoot, file), o]));
    const plans: { route: (typeof routes)[number]; outfile: string; bytes: number; largestInputs: BundleResult['largestInputs']; largestFiles: BundleResult['largestFiles'] }[] = [];
    for (const route of routes) {
      const base = { handler: route.handler, operationId: route.operationId };
      const outfile = join(outRoot, route.handler, 'index.mjs');
      const output = outputs.get(outfile);
      if (failures.has(route.handler) || !output || !existsSync(outfile)) {
        const message = failures.get(route.handler) ?? 'no output';
        bundles.push({ ...base, bytes: Number.NaN, largestInputs: [], largestFiles: [], importMs: [], importMedianMs: Number.NaN, importWithSourceMapsMs: [], importWithSourceMapsMedianMs: Number.NaN, error: `build failed: ${message}` });
        options.log(`  ${route.handler}: BUILD FAILED: ${message}`);
        continue;
      }
      const byPackage = new Map<string, number>();
      const byFile = new Map<string, number>();
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
        byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
        // Many small files of one kind (zod's locales) count as their directory.
        const key = input.replace(/^.*node_modules\//, '').replace(/\/locales\/[^/]+$/, '/locales/*');
        byFile.set(key, (byFile.get(key) ?? 0) + bytesInOutput);
      }
      const top = (m: Map<string, number>, n: number) => [...m].map(([input, bytes]) => ({ input, bytes })).sort((x, y) => y.bytes - x.bytes).slice(0, n);
      plans.push({ route, outfile, bytes: statSync(outfile).size, largestInputs: top(byPackage, 5), largestFiles: top(byFile, 6) });
    }

    // --enable-source-maps (as the construct runs the Lambdas) only for the hot path and the
    // largest bundle: it is information beside the criterion, and 40-odd bundles take time.
    const largest = plans.reduce<(typeof plans)[number] | undefined>((a, p) => (!a || p.bytes > a.bytes ? p : a), undefined);
    options.log(`importing each bundle in ${options.samples} fresh Node processes …`);
    // Our own CPU during the imports is the children's (spawnSync waits): the rest is other work.
    const machineBefore = machineCpu();
    const childrenBefore = childrenCpuMs();
    const importsStarted = performance.now();
    for (const plan of plans) {
      const withMaps = plan.route.handler === 'public/submit-rating' || plan === largest ? options.sourceMapSamples : 0;
      const importMs: number[] = [];
      const importWithSourceMapsMs: number[] = [];
      let error: string | undefined;
      for (let i = 0; i < options.samples && !error; i++) {
        const plain = timeImport(plan.outfile, '');
        error = plain.error;
        if (plain.ms !== undefined) importMs.push(plain.ms);
        if (i < withMaps && !error) {
          const mapped = timeImport(plan.outfile, '--enable-source-maps');
          error = mapped.error;
          if (mapped.ms !== undefined) importWithSourceMapsMs.push(mapped.ms);
        }
      }
      const result: BundleResult = {
        handler: plan.route.handler,
        operationId: plan.route.operationId,
        bytes: plan.bytes,
        largestInputs: plan.largestInputs,
        largestFiles: plan.largestFiles,
        importMs,
        importMedianMs: median(importMs),
        importWithSourceMapsMs,
        importWithSourceMapsMedianMs: median(importWithSourceMapsMs),
        ...(error ? { error: `import failed: ${error}` } : {}),
      };
      bundles.push(result);
      options.log(
        `  ${plan.route.handler.padEnd(34)} ${(plan.bytes / 1024).toFixed(1).padStart(7)} KB  import median ${result.importMedianMs.toFixed(1)} ms` +
          (withMaps ? ` (--enable-source-maps ${result.importWithSourceMapsMedianMs.toFixed(1)} ms)` : '') +
          (error ? `  IMPORT FAILED: ${error.split('\n')[0]}` : ''),
      );
    }
    othersCores = Math.max(0, machineCpu().busyMs - machineBefore.busyMs - (childrenCpuMs() - childrenBefore)) / (performance.now() - importsStarted);
  } finally {
    rmSync(outRoot, { recursive: true, force: true });
  }
  const built = bundles.filter((b) => !b.error);
  const maxBytes = Math.max(...built.map((b) => b.bytes));
  // The criterion is a plain import; --enable-source-maps is reported beside it.
  const maxImportMedianMs = Math.max(...built.map((b) => b.importMedianMs));
  const failed = bundles.length !== built.length;
  return {
    settings,
    samples: options.samples,
    bundles,
    maxBytes,
    maxImportMedianMs,
    othersCores,
    pass: { size: !failed && maxBytes <= BUNDLE_MAX_BYTES, import: !failed && maxImportMedianMs <= IMPORT_MAX_MS },
  };
}

/** CPU (ms) used so far by this process and its waited-for children, from /proc/self/stat. */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14–17 (indexes 11–14 after the name).
  const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  return ticks * 10; // CLK_TCK is 100 on Linux
}
