import type { AnyExtension } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { TableKit } from '@tiptap/extension-table';

/**
 * The document model every co-edited text shares (charters, minutes, notes): headings, lists,
 * bold, italic, links, tables. Used by the browser editor (with Collaboration added) and by the
 * server (`getSchema(documentExtensions())`) to generate drafts and exports, so both agree.
 * Undo/redo comes from Collaboration's Yjs undo manager, so StarterKit's own is off (STACK.md 13).
 */
export function documentExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      undoRedo: false,
      heading: { levels: [1, 2, 3] },
      codeBlock: false,
      code: false,
      link: { openOnClick: false, autolink: true, protocols: ['http', 'https', 'mailto'], defaultProtocol: 'https' }
    }),
    TableKit.configure({ table: { resizable: false } })
  ];
}

/** The Y.XmlFragment of a document's Y.Doc that holds the text (Collaboration's `field`). */
export const DOCUMENT_FRAGMENT = 'content';
