export { CORPUS, corpusFile } from '@kubetrail/ingest/testing';
