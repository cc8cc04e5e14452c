/**
 * A readable comparison of two versions of a text (ProseMirror JSON): the document is read as a
 * list of blocks (headings, paragraphs, list items, table rows), blocks are matched between the
 * two versions, and inside a changed block the words added and removed are marked. Pure: plain
 * data in, plain data out (rendered by the compare page and the API).
 *
 * @example
 * const diff = compareDocuments(older.content, newer.content);
 * // [{ change: 'changed', kind: 'paragraph', parts: [{ op: 'same', text: 'Les ' }, { op: 'del', text: 'chiens' }, { op: 'ins', text: 'animaux' }, ...] }]
 */

/** The JSON ProseMirror's `node.toJSON()` gives (and Tiptap's `getJSON()`). */
export interface PmNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: PmNode[];
  text?: string;
  marks?: unknown[];
}

export type BlockKind = 'heading1' | 'heading2' | 'heading3' | 'paragraph' | 'bullet' | 'ordered' | 'table-row' | 'quote';

export interface Block {
  kind: BlockKind;
  text: string;
}

export interface DiffPart {
  op: 'same' | 'ins' | 'del';
  text: string;
}

export interface DiffBlock {
  /** `changed`: the same block with words added or removed (see `parts`). */
  change: 'same' | 'added' | 'removed' | 'changed';
  kind: BlockKind;
  parts: DiffPart[];
}

export interface DiffSummary {
  blocks: DiffBlock[];
  /** Words added and removed, for a one-line summary. */
  wordsAdded: number;
  wordsRemoved: number;
  unchanged: boolean;
}

function inlineText(node: PmNode): string {
  if (node.type === 'text') return node.text ?? '';
  if (node.type === 'hardBreak') return ' ';
  return (node.content ?? []).map(inlineText).join('');
}

const normalise = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The blocks of a document in reading order. */
export function documentBlocks(doc: PmNode | null | undefined): Block[] {
  const out: Block[] = [];
  const walk = (node: PmNode, context: BlockKind | null) => {
    switch (node.type) {
      case 'heading': {
        const level = Number(node.attrs?.level ?? 1);
        out.push({ kind: level === 1 ? 'heading1' : level === 2 ? 'heading2' : 'heading3', text: normalise(inlineText(node)) });
        return;
      }
      case 'paragraph': {
        const text = normalise(inlineText(node));
        if (text) out.push({ kind: context ?? 'paragraph', text });
        return;
      }
      case 'bulletList':
      case 'orderedList':
        for (const item of node.content ?? []) walk(item, node.type === 'bulletList' ? 'bullet' : 'ordered');
        return;
      case 'blockquote':
        for (const child of node.content ?? []) walk(child, 'quote');
        return;
      case 'tableRow': {
        const cells = (node.content ?? []).map((cell) => normalise((cell.content ?? []).map(inlineText).join(' ')));
        out.push({ kind: 'table-row', text: cells.join(' | ') });
        return;
      }
      default:
        for (const child of node.content ?? []) walk(child, context);
    }
  };
  if (doc) walk(doc, null);
  return out;
}

/**
 * Longest common subsequence of two sequences under `equal`: the pairs of matched indices, in
 * order. Quadratic; charters have hundreds of blocks and blocks hundreds of words, and the
 * caller bounds the sizes.
 */
function lcsPairs<T>(a: T[], b: T[], equal: (x: T, y: T) => boolean): Array<[number, number]> {
  const n = a.length;
  const m = b.length;
  const table = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[at(i, j)] = equal(a[i], b[j]) ? table[at(i + 1, j + 1)] + 1 : Math.max(table[at(i + 1, j)], table[at(i, j + 1)]);
    }
  }
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (equal(a[i], b[j])) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (table[at(i + 1, j)] >= table[at(i, j + 1)]) i++;
    else j++;
  }
  return pairs;
}

/** Words and the spaces between them, so joining the parts gives the text back. */
const tokens = (s: string): string[] => s.split(/(\s+)/).filter((t) => t.length > 0);
const isWord = (t: string) => /[\p{L}\p{N}]/u.test(t);

/** Beyond this many tokens a changed block is shown as removed then added, not word by word. */
const MAX_WORD_DIFF_TOKENS = 3000;

function pushPart(parts: DiffPart[], op: DiffPart['op'], text: string) {
  const last = parts[parts.length - 1];
  if (last && last.op === op) last.text += text;
  else parts.push({ op, text });
}

/** Word-level difference of two texts: what stayed, what was removed, what was added. */
export function diffWords(before: string, after: string): DiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  if (a.length > MAX_WORD_DIFF_TOKENS || b.length > MAX_WORD_DIFF_TOKENS) {
    return [
      ...(before ? [{ op: 'del' as const, text: before }] : []),
      ...(after ? [{ op: 'ins' as const, text: after }] : [])
    ];
  }
  const pairs = lcsPairs(a, b, (x, y) => x === y);
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  for (const [pi, pj] of [...pairs, [a.length, b.length] as [number, number]]) {
    if (i < pi) pushPart(parts, 'del', a.slice(i, pi).join(''));
    if (j < pj) pushPart(parts, 'ins', b.slice(j, pj).join(''));
    if (pi < a.length) pushPart(parts, 'same', a[pi]);
    i = pi + 1;
    j = pj + 1;
  }
  return parts;
}

/** Share of words two texts have in common (0 to 1), to tell an edited block from a replaced one. */
function similarity(a: string, b: string): number {
  const wa = tokens(a).filter(isWord);
  const wb = tokens(b).filter(isWord);
  if (!wa.length && !wb.length) return 1;
  if (wa.length > MAX_WORD_DIFF_TOKENS || wb.length > MAX_WORD_DIFF_TOKENS) return 0;
  const common = lcsPairs(wa, wb, (x, y) => x === y).length;
  return (2 * common) / (wa.length + wb.length);
}

const countWords = (parts: DiffPart[], op: DiffPart['op']) =>
  parts.filter((p) => p.op === op).reduce((n, p) => n + tokens(p.text).filter(isWord).length, 0);

/** Compares two documents block by block, then word by word inside blocks that changed. */
export function compareDocuments(before: PmNode | null | undefined, after: PmNode | null | undefined): DiffSummary {
  const a = documentBlocks(before);
  const b = documentBlocks(after);
  const pairs = lcsPairs(a, b, (x, y) => x.kind === y.kind && x.text === y.text);
  const blocks: DiffBlock[] = [];
  let i = 0;
  let j = 0;
  for (const [pi, pj] of [...pairs, [a.length, b.length] as [number, number]]) {
    // Between two matched blocks: pair removed and added blocks in order when they are the same
    // block edited (half their words in common), else show them removed and added.
    const removed = a.slice(i, pi);
    const added = b.slice(j, pj);
    let r = 0;
    let s = 0;
    while (r < removed.length || s < added.length) {
      const x = removed[r];
      const y = added[s];
      if (x && y && similarity(x.text, y.text) >= 0.5) {
        blocks.push({ change: 'changed', kind: y.kind, parts: diffWords(x.text, y.text) });
        r++;
        s++;
      } else if (x && (!y || removed.length - r >= added.length - s)) {
        blocks.push({ change: 'removed', kind: x.kind, parts: [{ op: 'del', text: x.text }] });
        r++;
      } else {
        blocks.push({ change: 'added', kind: y.kind, parts: [{ op: 'ins', text: y.text }] });
        s++;
      }
    }
    if (pi < a.length) blocks.push({ change: 'same', kind: a[pi].kind, parts: [{ op: 'same', text: a[pi].text }] });
    i = pi + 1;
    j = pj + 1;
  }
  const wordsAdded = blocks.reduce((n, bl) => n + countWords(bl.parts, 'ins'), 0);
  const wordsRemoved = blocks.reduce((n, bl) => n + countWords(bl.parts, 'del'), 0);
  return { blocks, wordsAdded, wordsRemoved, unchanged: wordsAdded === 0 && wordsRemoved === 0 && blocks.every((bl) => bl.change === 'same') };
}
