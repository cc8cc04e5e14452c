import { inflateSync } from 'node:zlib';

/**
 * Reads back what our PDF exports contain, for tests and checks on a machine without poppler:
 * the text (of pdfkit's output: standard fonts, hex strings in `TJ`, one `Tm` per line) and
 * whether the file is tagged (marked, with a structure tree, a language, and which structure
 * types it uses). Not a general PDF parser.
 */

// WinAnsi's 0x80–0x9F differ from Latin-1.
const WIN_ANSI_HIGH: Record<number, string> = {
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8a: 'Š', 0x8b: '‹', 0x8c: 'Œ', 0x8e: 'Ž',
  0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—', 0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›', 0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ'
};

function decodeHex(hex: string): string {
  let out = '';
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const b = parseInt(hex.slice(i, i + 2), 16);
    out += WIN_ANSI_HIGH[b] ?? String.fromCharCode(b);
  }
  return out;
}

function streams(pdf: Buffer): string[] {
  const s = pdf.toString('latin1');
  const out: string[] = [];
  const re = /(?<!end)stream\r?\n/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const start = m.index + m[0].length;
    const end = s.indexOf('endstream', start);
    if (end < 0) break;
    try {
      out.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      // not a deflated stream (or not a stream at all)
    }
    re.lastIndex = end + 'endstream'.length;
  }
  return out;
}

/** The text of the pages, one line per printed line. */
export function pdfText(pdf: Buffer): string {
  const lines: string[] = [];
  for (const content of streams(pdf)) {
    if (!content.includes('BT')) continue;
    let y: string | null = null;
    let line = '';
    const token = /1 0 0 1 [-\d.]+ ([-\d.]+) Tm|\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\] TJ|<([0-9a-fA-F]*)> Tj/gu;
    let t: RegExpExecArray | null;
    while ((t = token.exec(content))) {
      if (t[1] !== undefined) {
        if (y !== null && t[1] !== y) {
          lines.push(line);
          line = '';
        }
        y = t[1];
      } else {
        const hexes = t[2] !== undefined ? [...t[2].matchAll(/<([0-9a-fA-F]*)>/gu)].map((h) => h[1]) : [t[3]];
        line += hexes.map(decodeHex).join('');
      }
    }
    if (line) lines.push(line);
  }
  return lines.map((l) => l.trimEnd()).join('\n');
}

export interface PdfTagging {
  marked: boolean;
  structTree: boolean;
  lang: string | null;
  /** Structure types used (`H1`, `P`, `L`, `LI`, `Table`, `TH`, `TD`…). */
  types: Set<string>;
}

export function pdfTagging(pdf: Buffer): PdfTagging {
  const s = pdf.toString('latin1');
  // pdfkit writes a structure element as `/S /<type>` (then maybe `/ID (…)`), then `/P <parent>`.
  const types = new Set([...s.matchAll(/\/S \/([A-Za-z0-9]+)\s*(?:\/ID \([^)]*\)\s*)?\/P \d+ 0 R/gu)].map((m) => m[1]));
  return {
    marked: /\/Marked true/u.test(s),
    structTree: /\/StructTreeRoot \d+ 0 R/u.test(s),
    lang: /\/Lang \(([^)]*)\)/u.exec(s)?.[1] ?? null,
    types
  };
}
