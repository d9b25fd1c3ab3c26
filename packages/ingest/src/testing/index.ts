/**
 * Test support shared by the ingest package's tests and the server's (`@kubetrail/ingest/testing`):
 * never imported by product code.
 */
export { CORPUS, corpusFile } from './corpus.ts';
export { tarBytes, type TarMember } from './tarBytes.ts';
export { tempStore } from './tempStore.ts';
