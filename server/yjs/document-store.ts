import * as Y from 'yjs';

/**
 * Server code's access to co-edited documents (charter versions, the minutes draft, the harvest
 * reading tablecloths): through the running Yjs server, so an open document is read from memory
 * and a server edit reaches connected editors at once and is persisted like theirs.
 *
 * @example
 * const ydoc = await services.documents.open('charter:<uuid>');
 * const text = ydoc.getXmlFragment('content').toString();
 * await services.documents.update('minutes:<uuid>', (d) => d.getMap('meta').set('generatedAt', now));
 */
export interface DocumentStore {
  /** The whole current state as one Yjs update. */
  read(docName: string): Promise<Uint8Array>;
  /** A fresh Y.Doc holding the current state (a copy: edits to it are not saved; use `update`). */
  open(docName: string): Promise<Y.Doc>;
  /** Applies an update made by the server; resolves once it is written to the log. */
  applyUpdate(docName: string, update: Uint8Array): Promise<void>;
  /**
   * Edits a copy of the current state with `edit`, then applies what changed as one server
   * update. Concurrent client edits merge as Yjs merges any two edits.
   */
  update(docName: string, edit: (ydoc: Y.Doc) => void): Promise<void>;
  /**
   * After a change of rights on a document (adopted, frozen, round locked): every open
   * connection to it, on every instance, is closed so its client reconnects and is authorised
   * again. Best effort across instances (through Socket.IO's adapter).
   */
  reauthorise(docName: string): void;
}

export interface DocumentBackend {
  readDocument(docName: string): Promise<Uint8Array>;
  applyServerUpdate(docName: string, update: Uint8Array): Promise<void>;
  reauthorise(docName: string): void;
}

/**
 * The services are built before the Yjs server (whose authorisation needs them), so the store
 * is bound to it afterwards by the composition root.
 */
export class BoundDocumentStore implements DocumentStore {
  private backend: DocumentBackend | null = null;

  bind(backend: DocumentBackend): void {
    this.backend = backend;
  }

  private get server(): DocumentBackend {
    if (!this.backend) throw new Error('the document store is not bound to a Yjs server yet');
    return this.backend;
  }

  read(docName: string): Promise<Uint8Array> {
    return this.server.readDocument(docName);
  }

  async open(docName: string): Promise<Y.Doc> {
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, await this.read(docName));
    return ydoc;
  }

  applyUpdate(docName: string, update: Uint8Array): Promise<void> {
    return this.server.applyServerUpdate(docName, update);
  }

  reauthorise(docName: string): void {
    this.backend?.reauthorise(docName);
  }

  async update(docName: string, edit: (ydoc: Y.Doc) => void): Promise<void> {
    const ydoc = await this.open(docName);
    const before = Y.encodeStateVector(ydoc);
    edit(ydoc);
    const diff = Y.encodeStateAsUpdate(ydoc, before);
    ydoc.destroy();
    await this.applyUpdate(docName, diff);
  }
}
