// The live state types are part of the protocol shared with the browser.
export type * from '../../src/lib/protocol/meeting-state.ts';
