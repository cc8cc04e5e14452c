/**
 * Checks on exported files for the browser tests: a PDF read back by poppler-utils (`pdftotext`
 * for its text, `pdfinfo` for "Tagged: yes"), and a DOCX unzipped in Node to read its
 * word/document.xml.
 *
 * poppler-utils is a system package (`.ci/run` installs it beside Chromium). When `pdfinfo` or
 * `pdftotext` is missing, as for a missing Chromium in scripts/test.mjs: under CI (CI=true)
 * the check fails; elsewhere it is skipped with a line on the console saying why and how to
 * install it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { expect } from 'vitest';

const isCi = !!process.env.CI && !['false', '0', ''].includes(process.env.CI.toLowerCase());

/** The poppler tools that are missing from PATH (empty when both are there). */
export function missingPopplerTools(): string[] {
  return ['pdfinfo', 'pdftotext'].filter((tool) => spawnSync(tool, ['-v'], { stdio: 'ignore' }).error);
}

/** Whitespace (line breaks of the PDF's layout, no-break spaces) folded to single spaces. */
export const squash = (text: string) => text.replace(/[\s\u00a0\u202f]+/gu, ' ').trim();

export interface PdfReport {
  /** pdftotext's text, or null when the poppler check was skipped. */
  text: string | null;
  /** pdfinfo's output, or null when skipped. */
  info: string | null;
}

/**
 * Reads the PDF with poppler: its text must contain each of `expected` (whitespace folded) and
 * pdfinfo must say `Tagged: yes`. Returns what poppler said, or nulls when the check was skipped
 * on a machine without poppler-utils (never under CI).
 */
export function expectPdfWithPoppler(pdf: Buffer, expected: string[], label = 'PDF'): PdfReport {
  const missing = missingPopplerTools();
  if (missing.length) {
    const why = `${missing.join(' and ')} not found (install Debian's poppler-utils)`;
    if (isCi) throw new Error(`${label}: cannot check the exported PDF under CI: ${why}`);
    console.warn(`SKIPPED: ${label} not checked with poppler-utils: ${why}.`);
    return { text: null, info: null };
  }
  const dir = mkdtempSync(join(tmpdir(), 'concerto-pdf-'));
  try {
    const file = join(dir, 'export.pdf');
    writeFileSync(file, pdf);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info, `${label}: pdfinfo says it is tagged`).toMatch(/^Tagged:\s+yes$/mu);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    const flat = squash(text);
    for (const s of expected) expect(flat, `${label}: pdftotext's text contains «${s}»`).toContain(squash(s));
    return { text, info };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The files of a ZIP archive (stored or deflated entries), read through its central directory. */
export function unzip(zip: Buffer): Map<string, Buffer> {
  // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 0xffff - 22); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a ZIP archive (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry ${n}`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    // The local header has its own name and extra field lengths.
    const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    if (method === 0) files.set(name, Buffer.from(data));
    else if (method === 8) files.set(name, inflateRawSync(data));
    else throw new Error(`${name}: unsupported ZIP method ${method}`);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

const decodeXml = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/giu, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/gu, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/gu, '<')
    .replace(/&gt;/gu, '>')
    .replace(/&quot;/gu, '"')
    .replace(/&apos;/gu, "'")
    .replace(/&amp;/gu, '&');

/** The paragraphs of a DOCX's word/document.xml, each the text of its runs joined. */
export function docxParagraphs(docx: Buffer): string[] {
  const xml = unzip(docx).get('word/document.xml');
  if (!xml) throw new Error('no word/document.xml in the DOCX');
  return [...xml.toString('utf8').matchAll(/<w:p[ >][\s\S]*?<\/w:p>/gu)].map((p) => decodeXml([...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/gu)].map((t) => t[1]).join('')));
}

/** The DOCX unzipped: the text of word/document.xml contains each of `expected`. Returns its paragraphs. */
export function expectDocxText(docx: Buffer, expected: string[], label = 'DOCX'): string[] {
  expect([...docx.subarray(0, 4)], `${label} is a ZIP`).toEqual([0x50, 0x4b, 0x03, 0x04]);
  const paragraphs = docxParagraphs(docx);
  const flat = squash(paragraphs.join('\n'));
  for (const s of expected) expect(flat, `${label}: word/document.xml contains «${s}»`).toContain(squash(s));
  return paragraphs;
}
