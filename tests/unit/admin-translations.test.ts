import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';

// Our zh-Hans additions for Strapi's admin strings, checked against the English
// files Strapi ships: same keys, same ICU arguments and tags, and valid ICU.

const require = createRequire(import.meta.url);
const root = resolve(__dirname, '../..');

type Messages = Record<string, string>;

const loadStrapi = (path: string): Messages => {
  const mod = require(resolve(root, 'node_modules', path));
  return (mod.default ?? mod) as Messages;
};

const loadOurs = (file: string): Messages =>
  JSON.parse(readFileSync(resolve(root, 'src/admin/translations', file), 'utf8'));

const BUNDLES = [
  {
    name: 'content-manager',
    file: 'content-manager.zh-Hans.json',
    dir: '@strapi/content-manager/dist/admin/translations',
    fullCoverage: true,
  },
  { name: 'upload', file: 'upload.zh-Hans.json', dir: '@strapi/upload/dist/admin/translations', fullCoverage: true },
  { name: 'admin', file: 'admin.zh-Hans.json', dir: '@strapi/admin/dist/admin/admin/src/translations', fullCoverage: false },
].map((b) => ({
  ...b,
  en: loadStrapi(`${b.dir}/en.json.js`),
  shippedZh: loadStrapi(`${b.dir}/zh-Hans.json.js`),
  zh: loadOurs(b.file),
}));

// AST node types of @formatjs/icu-messageformat-parser.
const T = { literal: 0, argument: 1, number: 2, date: 3, time: 4, select: 5, plural: 6, pound: 7, tag: 8 };

interface Shape {
  args: Set<string>;
  tags: Set<string>;
}

const walk = (nodes: any[], shape: Shape): Shape => {
  for (const n of nodes) {
    if ([T.argument, T.number, T.date, T.time, T.select, T.plural].includes(n.type)) shape.args.add(n.value);
    if (n.type === T.tag) {
      shape.tags.add(n.value);
      walk(n.children, shape);
    }
    if (n.type === T.select || n.type === T.plural) {
      for (const opt of Object.values<any>(n.options)) walk(opt.value, shape);
    }
  }
  return shape;
};

const shapeOf = (msg: string): Shape =>
  walk(new IntlMessageFormat(msg, 'zh-Hans').getAst() as any[], { args: new Set(), tags: new Set() });

// Textual cross-check, independent of the parser: `{name` at an argument position
// (a `{` met in message text, not the `{` that opens a plural/select branch),
// and `<tag>` / `</tag>` names.
const argNamesOf = (msg: string): Set<string> => {
  const names = new Set<string>();
  const stack: Array<'text' | 'header'> = ['text'];
  for (let i = 0; i < msg.length; i++) {
    const ch = msg[i];
    if (ch === '{') {
      if (stack[stack.length - 1] === 'text') {
        const m = /^\{\s*([A-Za-z_$][\w$]*)/.exec(msg.slice(i));
        if (m) names.add(m[1]);
        stack.push('header');
      } else {
        stack.push('text');
      }
    } else if (ch === '}') {
      stack.pop();
    }
  }
  return names;
};
const tagNamesOf = (msg: string) => new Set([...msg.matchAll(/<\/?([A-Za-z][\w-]*)\s*\/?>/g)].map((m) => m[1]));

const sorted = (s: Set<string>) => [...s].sort();

describe.each(BUNDLES)('$name zh-Hans translations', ({ en, zh, shippedZh, fullCoverage }) => {
  it('only contains keys that exist in en.json', () => {
    expect(Object.keys(zh).filter((k) => !(k in en))).toEqual([]);
  });

  it('only adds keys Strapi does not already translate', () => {
    expect(Object.keys(zh).filter((k) => k in shippedZh)).toEqual([]);
  });

  it('has a non-empty string for every key', () => {
    expect(Object.entries(zh).filter(([, v]) => typeof v !== 'string' || v.trim() === '')).toEqual([]);
  });

  it('parses every message as ICU MessageFormat', () => {
    const broken: string[] = [];
    for (const [key, msg] of Object.entries(zh)) {
      try {
        new IntlMessageFormat(msg, 'zh-Hans');
      } catch (e) {
        broken.push(`${key}: ${(e as Error).message}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('keeps the same arguments and tags as the English', () => {
    const mismatches: string[] = [];
    for (const [key, msg] of Object.entries(zh)) {
      const source = en[key];
      if (source === undefined) continue;
      const a = shapeOf(source);
      const b = shapeOf(msg);
      if (sorted(a.args).join() !== sorted(b.args).join()) {
        mismatches.push(`${key} args: en [${sorted(a.args)}] vs zh [${sorted(b.args)}]`);
      }
      if (sorted(a.tags).join() !== sorted(b.tags).join()) {
        mismatches.push(`${key} tags: en [${sorted(a.tags)}] vs zh [${sorted(b.tags)}]`);
      }
      if (sorted(argNamesOf(source)).join() !== sorted(argNamesOf(msg)).join()) {
        mismatches.push(`${key} {placeholders}: en [${sorted(argNamesOf(source))}] vs zh [${sorted(argNamesOf(msg))}]`);
      }
      if (sorted(tagNamesOf(source)).join() !== sorted(tagNamesOf(msg)).join()) {
        mismatches.push(`${key} <tags>: en [${sorted(tagNamesOf(source))}] vs zh [${sorted(tagNamesOf(msg))}]`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('formats every message with sample values', () => {
    const failures: string[] = [];
    for (const [key, msg] of Object.entries(zh)) {
      const { args, tags } = shapeOf(msg);
      const values: Record<string, unknown> = {};
      for (const a of args) values[a] = /^(number|count|.*Count|total|max|min|maxValue|entities|position|completed|fetched|percentage)$/.test(a) ? 2 : 'x';
      for (const t of tags) values[t] = (chunks: unknown[]) => chunks.join('');
      try {
        const out = new IntlMessageFormat(msg, 'zh-Hans').format(values);
        if (out === undefined) failures.push(`${key}: no output`);
      } catch (e) {
        failures.push(`${key}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('covers the keys Strapi leaves untranslated', () => {
    const missing = Object.keys(en).filter((k) => !(k in shippedZh));
    const uncovered = missing.filter((k) => !(k in zh));
    if (fullCoverage) {
      expect(uncovered).toEqual([]);
      expect(Object.keys(zh).length).toBe(missing.length);
    } else {
      // Admin: EE / upsell strings may be skipped, but nothing a registrar sees.
      const mustHave = /^(HomePage\.|global\.|app\.components\.(LeftMenu|Select|ToggleCheckbox)|app\.utils\.|app\.session\.|app\.confirm|app\.error\.|Auth\.|Settings\.(profile|roles|users|sessions)\.|components\.(Input|FilterOptions|Blocks|ViewSettings)\.|notification\.)/;
      expect(uncovered.filter((k) => mustHave.test(k))).toEqual([]);
    }
  });
});

describe('content-manager coverage', () => {
  it('is 100% of the en keys missing from Strapi’s zh-Hans', () => {
    const cm = BUNDLES.find((b) => b.name === 'content-manager')!;
    const missing = Object.keys(cm.en).filter((k) => !(k in cm.shippedZh));
    expect(missing.length).toBeGreaterThan(300);
    const covered = missing.filter((k) => k in cm.zh).length;
    expect(covered / missing.length).toBe(1);
  });
});

describe('extra.zh-Hans.json (full ids Strapi’s code uses without an en.json entry, and our menu ids)', () => {
  const extra = loadOurs('extra.zh-Hans.json');
  const admin = BUNDLES.find((b) => b.name === 'admin')!;

  it('adds only ids that no bundle above translates, each with a Chinese message', () => {
    const prefixedKeys = new Set(BUNDLES.flatMap((b) => [
      ...Object.keys(b.en).map((k) => (b.name === 'admin' ? k : `${b.name}.${k}`)),
    ]));
    expect(Object.keys(extra).filter((k) => prefixedKeys.has(k) || k in admin.shippedZh)).toEqual([]);
    expect(Object.entries(extra).filter(([, v]) => !/[\u4e00-\u9fff]/.test(v))).toEqual([]);
  });
});
