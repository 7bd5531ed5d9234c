import { describe, expect, it } from 'vitest';
import { code, escapeMarkdown, truncate } from '../../src/report/escape.ts';

describe('escapeMarkdown', () => {
  it.each([
    ['<script>', '&lt;script&gt;'],
    ['a|b', 'a&#124;b'],
    ['`x`', '&#96;x&#96;'],
    ['**bold**', '&#42;&#42;bold&#42;&#42;'],
    ['_em_', '&#95;em&#95;'],
    ['[link](http://x)', '&#91;link&#93;(http://x)'],
    ['a\\b', 'a&#92;b'],
    ['~~s~~', '&#126;&#126;s&#126;&#126;'],
    ['# title', '&#35; title'],
    ['![img]', '&#33;&#91;img&#93;'],
    ['$x$', '&#36;x&#36;'],
    ['"q" \'s\'', '&quot;q&quot; &#39;s&#39;'],
    ['a & b', 'a &amp; b'],
    ['&lt;', '&amp;lt;'],
  ])('escapes %j', (text, escaped) => {
    expect(escapeMarkdown(text)).toBe(escaped);
  });

  it('breaks mentions with a zero-width space', () => {
    expect(escapeMarkdown('@octocat')).toBe('@\u200boctocat');
    expect(escapeMarkdown('a@b@c')).toBe('a@\u200bb@\u200bc');
  });

  it('puts everything on one line', () => {
    expect(escapeMarkdown('line\nbreak')).toBe('line break');
    expect(escapeMarkdown('a\r\n\r\nb')).toBe('a b');
    expect(escapeMarkdown('a\u2028b\u2029c')).toBe('a b c');
    expect(escapeMarkdown('tab\there\u0000\u007f')).toBe('tab here ');
  });

  it('leaves a workflow command inert on its line', () => {
    const escaped = escapeMarkdown('\n::error::boom\n');

    expect(escaped).toBe(' ::error::boom ');
    expect(escaped).not.toMatch(/^::/m);
  });

  it('keeps plain text', () => {
    expect(escapeMarkdown('doc-123 é 日本')).toBe('doc-123 é 日本');
  });
});

describe('code', () => {
  it('wraps escaped text in code tags', () => {
    expect(code('<b>|@x')).toBe('<code>&lt;b&gt;&#124;@\u200bx</code>');
  });

  it('cannot close its own tag', () => {
    expect(code('</code><script>')).toBe('<code>&lt;/code&gt;&lt;script&gt;</code>');
  });
});

describe('truncate', () => {
  it('keeps short text', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('marks the cut', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 4)).toHaveLength(4);
  });
});
