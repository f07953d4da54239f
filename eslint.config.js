// ESLint flat config: TypeScript, React, hooks, accessibility, and the server-only boundary.
import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * With the classic compiler a `.server` import in browser code becomes an empty module at run time,
 * not a build error. These patterns keep database, session and secret code out of anything that
 * can reach the browser: components, schemas, utils, i18n and the permissions module.
 */
const serverOnly = {
  patterns: [
    {
      group: ["*.server", "*.server.ts", "**/*.server", "~/*.server", "~/**/*.server"],
      // Types are erased at build time, so sharing a model's return type is safe.
      allowTypeImports: true,
      message:
        "Server-only module: import it from a route's loader/action or another *.server.ts file.",
    },
    {
      group: [
        "kysely",
        "better-sqlite3",
        "@node-rs/argon2",
        "node:*",
        "**/db/connection",
        "**/db/seed/*",
      ],
      message: "Database and Node APIs belong in *.server.ts modules only.",
    },
  ],
};

/**
 * Zod stays out of a page's first load (docs/decisions/018): the bundler puts a module into every
 * page that imports it once any page uses it, so an action's schema import would ship Zod with
 * the page. Actions import schemas and parseWithZod from `~/schemas/forms.server` (empty in the
 * browser); forms load them after hydration (useEditForm / useClientValidation). A loader's own
 * query schema lives in a module of its own in app/schemas that no component imports.
 */
const zodOutOfPages = {
  patterns: [
    {
      group: [
        "zod",
        "@conform-to/zod",
        "~/schemas/forms",
        "~/schemas/account",
        "~/schemas/card",
        "~/schemas/common",
        "~/schemas/household",
        "~/schemas/login",
        "~/schemas/plan",
        "~/schemas/position",
        "~/schemas/teamwork",
        "~/schemas/village-exit",
      ],
      allowTypeImports: true,
      message:
        "Keeps Zod out of the page's first load: actions import from ~/schemas/forms.server; forms validate through useEditForm / useClientValidation.",
    },
  ],
};

const NO_BARE_TRANSACTION = {
  selector: "CallExpression[callee.property.name='transaction'][callee.object.name='db']",
  message: "Open write transactions with transact() from ~/models/write.server.",
};

const ONE_CLOCK = [
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: "Take now from ~/utils/clock: now() (business dates) or realNow() (security clocks).",
  },
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: "Take now from ~/utils/clock: now() (business dates) or realMs() (security clocks).",
  },
];

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "public/build/**",
      // The service worker bundle (scripts/build-sw.ts).
      "public/sw.js",
      "bench/reference/build/**",
      "bench/reference/public/build/**",
      "node_modules/**",
      "data/**",
      "test-results/**",
      "playwright-report/**",
      ".cache/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js,mjs}"],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    files: ["app/**/*.tsx"],
    ...react.configs.flat.recommended,
    ...react.configs.flat["jsx-runtime"],
    settings: { react: { version: "detect" } },
  },
  {
    files: ["app/**/*.tsx"],
    plugins: { "react-hooks": reactHooks, "jsx-a11y": jsxA11y },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...jsxA11y.flatConfigs.recommended.rules,
      "react/prop-types": "off",
      // Scrollable table regions must be focusable so keyboard users can scroll them (axe: scrollable-region-focusable).
      "jsx-a11y/no-noninteractive-tabindex": ["error", { roles: ["region"], tags: [] }],
    },
  },
  {
    // Browser-reachable code: components, schemas, pure utils, i18n, permissions.
    files: [
      "app/components/**",
      "app/schemas/**",
      "app/utils/**",
      "app/i18n/**",
      "app/permissions.ts",
    ],
    ignores: ["**/*.server.ts", "**/*.server.tsx"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", serverOnly] },
  },
  {
    files: ["app/routes/**"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", zodOutOfPages] },
  },
  {
    files: ["app/components/**"],
    ignores: ["**/*.server.ts", "**/*.server.tsx"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [...serverOnly.patterns, ...zodOutOfPages.patterns] },
      ],
    },
  },
  {
    // Every write transaction goes through `transact` (models/write.server.ts), which turns what
    // it changed into an audit entry before it commits; a bare db.transaction() would not. And
    // every "now" comes from the one clock (utils/clock.ts): the business clock, or real time for
    // sessions, throttling and the audit log.
    files: ["app/**/*.ts", "app/**/*.tsx"],
    ignores: ["app/models/write.server.ts", "app/models/audit.server.ts", "app/utils/clock.ts"],
    rules: { "no-restricted-syntax": ["error", NO_BARE_TRANSACTION, ...ONE_CLOCK] },
  },
  {
    files: ["app/models/write.server.ts", "app/models/audit.server.ts"],
    rules: { "no-restricted-syntax": ["error", ...ONE_CLOCK] },
  },
  {
    files: ["db/migrations/**"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["~/*", "../*", "!./*"],
              message: "Migrations are frozen: import nothing from the app.",
            },
          ],
        },
      ],
    },
  },
);
