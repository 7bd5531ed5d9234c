/**
 * Generates the inputs and outputs tables of the README from action.yml, between the
 * `<!-- inputs -->`/`<!-- /inputs -->` and `<!-- outputs -->`/`<!-- /outputs -->` markers.
 * `node scripts/readme-tables.ts` rewrites README.md; `--check` only reports drift and exits 1.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Manifest {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

function cell(text: string): string {
  return text
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

export function renderTables(manifest: Manifest): { inputs: string; outputs: string } {
  const inputRows = Object.entries(manifest.inputs).map(([name, input]) => {
    const fallback = input.required
      ? '**required**'
      : input.default === '' || input.default === undefined
        ? "`''`"
        : `\`${input.default}\``;
    return `| \`${name}\` | ${fallback} | ${cell(input.description)} |`;
  });
  const outputRows = Object.entries(manifest.outputs).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`,
  );
  return {
    inputs: ['| Input | Default | Description |', '|---|---|---|', ...inputRows].join('\n'),
    outputs: ['| Output | Description |', '|---|---|', ...outputRows].join('\n'),
  };
}

export function replaceBetween(text: string, marker: string, content: string): string {
  const start = `<!-- ${marker} -->`;
  const end = `<!-- /${marker} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) throw new Error(`README.md has no ${start} … ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

export async function renderReadme(): Promise<{ current: string; expected: string }> {
  const manifest = parseYaml(await readFile(join(ROOT, 'action.yml'), 'utf8')) as Manifest;
  const current = await readFile(join(ROOT, 'README.md'), 'utf8');
  const tables = renderTables(manifest);
  const expected = replaceBetween(replaceBetween(current, 'inputs', tables.inputs), 'outputs', tables.outputs);
  return { current, expected };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { current, expected } = await renderReadme();
  if (process.argv.includes('--check')) {
    if (current !== expected) {
      console.error('README.md tables differ from action.yml. Run: npm run readme');
      process.exit(1);
    }
  } else if (current !== expected) {
    await writeFile(join(ROOT, 'README.md'), expected);
    console.log('README.md tables updated from action.yml');
  }
}
