// Everything the API returns (document IDs, error types, messages) is data. These helpers make
// it inert in markdown: it cannot open HTML, start emphasis or a link, split a table cell, or
// mention a user.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '\\': '&#92;',
  '~': '&#126;',
  '#': '&#35;',
  '!': '&#33;',
  $: '&#36;',
};

/**
 * Escapes text for markdown and HTML alike, on one line. An `@` gets a zero-width space after
 * it, because GitHub finds mentions in the rendered text, where entities are already decoded.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/[&<>"'|`*_[\]\\~#!$]/g, (char) => ENTITIES[char] ?? char)
    .replace(/@/g, '@\u200b');
}

/** Formats a document or job ID as escaped inline code. */
export function code(text: string): string {
  return `<code>${escapeMarkdown(text)}</code>`;
}

/** Cuts text to at most `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}
