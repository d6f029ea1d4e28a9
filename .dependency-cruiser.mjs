// dependency-cruiser: import boundaries and no import cycles (docs/decisions/0011). Run by
// `npm run lint` (a step of `npm test`) over shared/, functions/src and web/src. Paths are
// relative to the repo root. Type-only imports count: `import type` is a dependency too.

/**
 * The only shared/src/domain modules web/ may import, each for the reason in 0011 (pure constants
 * and date arithmetic the forms need to show what the API validates). Everything else web/ takes
 * from shared/src/contracts; a new web → domain import fails until it is listed here and in 0011.
 */
const WEB_DOMAIN_ALLOW_LIST = [
  'china-time', // addDays, chinaDay: default date ranges of the dashboard, report and audit forms
  'rating-level', // RATING_LEVELS, RATING_LEVEL_NAMES: the level names the report tables print
  'survey-version', // QUESTION_KINDS, SURVEY_LIMITS: the survey editor's choices and limits
  'national-survey', // COMMENT_MAX_LENGTH: the rating form's comment-length check
  'client-key', // forwardedClient, DEVICE_COOKIE: the web server forwards the keyed client and the device id
  'sampling/sample-size', // sampleSizeForMargin, marginForSize: the round form's sample-size calculator
  'sampling/round-state', // ROUND_STATE_LABELS: the round pages name the states as the API's 409s do
  'appraisal/words', // describeRules, firedRuleText: the campaign and tally pages say the rules in the exports' words
  'cases/case-state', // CASE_STATE_LABELS: the case pages name the states as the API's 409s do
  'cases/accountability', // ACCOUNTABILITY_KIND_LABELS, periodLabel: the register page names kinds and periods as its files do
];

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles (type-only imports included) in shared/src, functions/src, web/src.',
      severity: 'error',
      from: { path: '^(shared/src|functions/src|web/src)/' },
      to: { circular: true },
    },
    {
      name: 'shared-imports-no-app',
      comment: 'shared/ imports nothing of functions/, web/ or infra/.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(functions|web|infra)/' },
    },
    {
      name: 'shared-does-no-io',
      comment: 'shared/ does no I/O and knows no framework: no node built-ins, AWS SDK or SvelteKit.',
      severity: 'error',
      from: { path: '^shared/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(\\$app/|\\$env/|@aws-sdk/|@sveltejs/)|(^|/)node_modules/(@aws-sdk|@sveltejs)/' },
    },
    {
      name: 'shared-does-no-io-builtins',
      comment: 'shared/ does no I/O: no node built-ins (node:*, fs, http, …).',
      severity: 'error',
      from: { path: '^shared/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'domain-is-pure',
      comment:
        'shared/src/domain imports only shared/src/domain: no node built-ins, no packages, no contracts. ' +
        "(The domain's own *.test.ts may use vitest and fast-check.) One exception, data and no code: the PRC " +
        "holiday calendar's JSON of chinese-days (working days, decision 0028).",
      severity: 'error',
      from: { path: '^shared/src/domain/', pathNot: '\\.test\\.ts$' },
      to: { pathNot: '^(shared/src/domain/|node_modules/chinese-days/dist/chinese-days\\.json$)' },
    },
    {
      name: 'data-imports-no-upper-layer',
      comment: 'functions/src/data imports nothing of use-cases, auth, access, handlers or middleware.',
      severity: 'error',
      from: { path: '^functions/src/data/' },
      to: { path: '^functions/src/(use-cases|auth|access|handlers|middleware)/' },
    },
    {
      name: 'use-cases-import-no-handlers',
      comment: 'functions/src/use-cases imports nothing of handlers or middleware.',
      severity: 'error',
      from: { path: '^functions/src/use-cases/' },
      to: { path: '^functions/src/(handlers|middleware)/' },
    },
    {
      name: 'only-data-uses-aws-sdk',
      comment: 'Inside functions/src only the data layer (functions/src/data) imports the AWS SDK.',
      severity: 'error',
      from: { path: '^functions/src/', pathNot: '^functions/src/data/' },
      to: { path: '^@aws-sdk/|(^|/)node_modules/@aws-sdk/' },
    },
    {
      name: 'functions-import-no-web-or-infra',
      comment: 'functions/ imports nothing of web/ or infra/.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^(web|infra)/' },
    },
    {
      name: 'web-imports-no-server-code',
      comment: 'web/ talks to the API: it imports nothing of functions/ or infra/.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(functions|infra)/' },
    },
    {
      name: 'web-imports-contracts-not-domain',
      comment:
        'web/ imports shared/src/contracts; a shared/src/domain module only if it is on the allow-list ' +
        'in .dependency-cruiser.mjs and docs/decisions/0011 says why.',
      severity: 'error',
      from: { path: '^web/' },
      to: {
        path: '^shared/src/domain/',
        pathNot: `^shared/src/domain/(${WEB_DOMAIN_ALLOW_LIST.join('|')})\\.ts$`,
      },
    },
    {
      name: 'resolvable',
      comment:
        'Every import resolves (otherwise the rules above could not see where it goes). ' +
        "SvelteKit's virtual modules ($app/*, $env/*, ./$types) are generated and exempt.",
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^(\\$app/|\\$env/|\\$service-worker$|\\./\\$types$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Keep `import type` dependencies: a type-only back edge is still a cycle between modules.
    tsPreCompilationDeps: true,
    // For `$lib`: the paths of web/.svelte-kit/tsconfig.json, written by `svelte-kit sync` (which
    // `npm run lint` runs first). Named directly, not through web/tsconfig.json: the paths resolver
    // would take them relative to web/ instead of web/.svelte-kit/. `#shared/*` comes from
    // package.json "imports", `./x.js` → `./x.ts` from TypeScript's rules, both built in.
    tsConfig: { fileName: 'web/.svelte-kit/tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['types', 'import', 'node', 'default'],
      extensions: ['.ts', '.js', '.svelte', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
