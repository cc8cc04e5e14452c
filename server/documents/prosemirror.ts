import { getSchema } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { DOCUMENT_FRAGMENT, documentExtensions } from '../../src/lib/editor/extensions.ts';

/**
 * Conversions between the three shapes a co-edited text takes: the Y.Doc the editors share, the
 * ProseMirror JSON the server drafts and exports work on, and plain text (for comparisons and
 * for checking the minutes against the record). One schema, built from the editor's own
 * extensions, so the server never writes a node the editor would drop.
 */

/** A ProseMirror node as JSON (`doc`, `paragraph`, `text`…), the shape Tiptap's `getJSON()` gives. */
export interface PMNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: PMNode[];
  marks?: { type: string; attrs?: Record<string, unknown> }[];
  text?: string;
}

export const documentSchema = getSchema(documentExtensions());

/** An empty document: one empty paragraph, as the editor shows it. */
export const EMPTY_DOC: PMNode = { type: 'doc', content: [{ type: 'paragraph' }] };

/** The document held in `ydoc` (its `content` fragment) as ProseMirror JSON. */
export function yDocToJSON(ydoc: Y.Doc, field: string = DOCUMENT_FRAGMENT): PMNode {
  const fragment = ydoc.getXmlFragment(field);
  if (fragment.length === 0) return structuredClone(EMPTY_DOC);
  return yXmlFragmentToProseMirrorRootNode(fragment, documentSchema).toJSON() as PMNode;
}

/** A document's whole state (one Yjs update, as `services.documents.read` gives) as JSON. */
export function yUpdateToJSON(update: Uint8Array, field: string = DOCUMENT_FRAGMENT): PMNode {
  const ydoc = new Y.Doc();
  try {
    Y.applyUpdate(ydoc, update);
    return yDocToJSON(ydoc, field);
  } finally {
    ydoc.destroy();
  }
}

/**
 * Checks `json` against the schema (throws a RangeError on an unknown node or mark, or content
 * the schema does not allow), so nothing invalid reaches a shared document.
 */
export function checkDocument(json: PMNode): PMNode {
  const node = documentSchema.nodeFromJSON(json);
  node.check();
  return node.toJSON() as PMNode;
}

/**
 * A Yjs update that creates a fresh document holding `json`: apply it to an empty Y.Doc (or
 * through `services.documents.applyUpdate` to an empty document). Applied to a document that
 * already has content, it would add a second copy; to extend one, use `appendJSONToYDoc`.
 */
export function jsonToYUpdate(json: PMNode, field: string = DOCUMENT_FRAGMENT): Uint8Array {
  const ydoc = new Y.Doc();
  try {
    prosemirrorJSONToYXmlFragment(documentSchema, checkDocument(json), ydoc.getXmlFragment(field));
    return Y.encodeStateAsUpdate(ydoc);
  } finally {
    ydoc.destroy();
  }
}

/**
 * Appends the blocks of `json` at the end of `ydoc`'s document, leaving what is there untouched
 * (a regenerated minutes draft goes into a new section, never over human edits).
 */
export function appendJSONToYDoc(ydoc: Y.Doc, json: PMNode, field: string = DOCUMENT_FRAGMENT): void {
  const scratch = new Y.Doc();
  try {
    const source = prosemirrorJSONToYXmlFragment(documentSchema, checkDocument(json), scratch.getXmlFragment(field));
    const target = ydoc.getXmlFragment(field);
    const copies = source.toArray().map((n) => (n as Y.XmlElement | Y.XmlText).clone());
    ydoc.transact(() => target.insert(target.length, copies));
  } finally {
    scratch.destroy();
  }
}

const BLOCK_SEPARATOR = new Set(['paragraph', 'heading', 'listItem', 'tableRow', 'blockquote', 'horizontalRule']);

/**
 * The text of a document, one line per block (a table row's cells separated by tabs), for
 * comparisons and searching: no marks, no markup.
 */
export function plainText(json: PMNode): string {
  const lines: string[] = [];
  let line = '';
  const flush = () => {
    const done = line.replace(/\s+$/u, '');
    if (done !== '') lines.push(done);
    line = '';
  };
  const walk = (node: PMNode) => {
    if (node.type === 'text') {
      line += node.text ?? '';
    } else if (node.type === 'hardBreak') {
      flush();
    } else if (node.type === 'tableRow') {
      flush();
      line = (node.content ?? []).map((cell) => plainText(cell).replace(/\n+/gu, ' ').trim()).join('\t');
      flush();
    } else {
      const block = BLOCK_SEPARATOR.has(node.type);
      if (block) flush();
      for (const child of node.content ?? []) walk(child);
      if (block) flush();
    }
  };
  walk(json);
  flush();
  return lines.join('\n');
}

// Builders, so drafts read like the document they make ------------------------------------------

type Inline = PMNode | string;
const inline = (parts: Inline[]): PMNode[] =>
  parts.filter((p) => p !== '').map((p) => (typeof p === 'string' ? { type: 'text', text: p } : p));

export const pm = {
  doc: (...blocks: PMNode[]): PMNode => ({ type: 'doc', content: blocks.length ? blocks : [{ type: 'paragraph' }] }),
  heading: (level: 1 | 2 | 3, ...parts: Inline[]): PMNode => ({ type: 'heading', attrs: { level }, content: inline(parts) }),
  paragraph: (...parts: Inline[]): PMNode => {
    const content = inline(parts);
    return content.length ? { type: 'paragraph', content } : { type: 'paragraph' };
  },
  text: (text: string, ...marks: ('bold' | 'italic')[]): PMNode => (marks.length ? { type: 'text', text, marks: marks.map((type) => ({ type })) } : { type: 'text', text }),
  bold: (text: string): PMNode => ({ type: 'text', text, marks: [{ type: 'bold' }] }),
  italic: (text: string): PMNode => ({ type: 'text', text, marks: [{ type: 'italic' }] }),
  link: (text: string, href: string): PMNode => ({ type: 'text', text, marks: [{ type: 'link', attrs: { href } }] }),
  bulletList: (...items: PMNode[][]): PMNode => ({ type: 'bulletList', content: items.map((blocks) => ({ type: 'listItem', content: blocks })) }),
  orderedList: (...items: PMNode[][]): PMNode => ({ type: 'orderedList', attrs: { start: 1 }, content: items.map((blocks) => ({ type: 'listItem', content: blocks })) }),
  /** A table with a header row, then the body rows; every cell is one paragraph of text. */
  table: (header: string[], rows: string[][]): PMNode => ({
    type: 'table',
    content: [
      { type: 'tableRow', content: header.map((h) => ({ type: 'tableHeader', content: [pm.paragraph(h)] })) },
      ...rows.map((r) => ({ type: 'tableRow', content: r.map((c) => ({ type: 'tableCell', content: [pm.paragraph(c)] })) }))
    ]
  })
};
