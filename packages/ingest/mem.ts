import { openStore, INGEST_BUSY_TIMEOUT_MS } from '@kubetrail/store';
import { ingestPaths } from './src/index.ts';
const store = openStore(process.argv[3]!, { busyTimeoutMs: INGEST_BUSY_TIMEOUT_MS });
let peak = 0; let stage = '';
const t = setInterval(() => { const m = process.memoryUsage(); if (m.rss > peak) { peak = m.rss; console.log(stage, (m.rss/2**20).toFixed(0), 'heap', (m.heapUsed/2**20).toFixed(0), 'ext', (m.external/2**20).toFixed(0), 'ab', (m.arrayBuffers/2**20).toFixed(0)); } }, 200);
await ingestPaths(store, [process.argv[2]!], { onProgress: (p) => { stage = p.stage; } });
clearInterval(t); store.close();
