import { useEffect, useRef, useState } from 'react';
import type { DragEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { errorMessage } from '../api/client';
import { formatBytes, countOf, formatCount } from '../lib/format';
import { uploadBundle } from './upload';
import type { UploadHandle } from './upload';
import { bundleKeys, useBundleQuery } from './useBundlesQuery';

type Phase =
  | { kind: 'idle' }
  | { kind: 'uploading'; name: string; sent: number; total: number }
  | { kind: 'ingesting'; name: string; bundleId: string }
  | { kind: 'error'; name: string; message: string };

/** Drag-and-drop and file-picker upload, then ingest progress until the bundle is ready or failed. */
export function UploadZone({ onShowReport }: { onShowReport: (bundleId: string) => void }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [dragging, setDragging] = useState(false);
  const handle = useRef<UploadHandle | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const qc = useQueryClient();
  const ingest = useBundleQuery(phase.kind === 'ingesting' ? phase.bundleId : null);
  const bundle = phase.kind === 'ingesting' ? ingest.data : undefined;

  useEffect(() => () => handle.current?.abort(), []);
  useEffect(() => {
    // Keep the list in step as the ingest moves on.
    if (bundle) void qc.invalidateQueries({ queryKey: bundleKeys.all, exact: true });
  }, [bundle?.status, bundle, qc]);

  const start = (file: File) => {
    handle.current?.abort();
    setPhase({ kind: 'uploading', name: file.name, sent: 0, total: file.size });
    const h = uploadBundle(file, (sent, total) =>
      setPhase((p) => (p.kind === 'uploading' ? { ...p, sent, total } : p)),
    );
    handle.current = h;
    h.promise.then(
      (accepted) => {
        handle.current = null;
        setPhase({ kind: 'ingesting', name: file.name, bundleId: accepted.bundleId });
        void qc.invalidateQueries({ queryKey: bundleKeys.all });
      },
      (err: unknown) => {
        handle.current = null;
        setPhase({ kind: 'error', name: file.name, message: errorMessage(err) });
      },
    );
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) start(file);
  };

  return (
    <section className="upload" aria-label="Upload">
      <div
        className={`dropzone${dragging ? ' dropzone-active' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p className="dropzone-title">Drop a log bundle here</p>
        <p className="muted">
          kind export logs, cluster-info dump, audit logs, OTLP traces — as .tar.gz, .tgz, .tar, .zip, .gz or
          a plain log file
        </p>
        <input
          ref={inputRef}
          id="upload-input"
          className="visually-hidden"
          type="file"
          aria-label="Upload bundle"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) start(file);
            e.target.value = '';
          }}
        />
        <label htmlFor="upload-input" className="button button-primary">
          Choose a file…
        </label>
      </div>
      <UploadStatus
        phase={phase}
        bundle={bundle}
        pollError={ingest.error}
        onCancel={() => handle.current?.abort()}
        onShowReport={onShowReport}
      />
    </section>
  );
}

function UploadStatus({
  phase,
  bundle,
  pollError,
  onCancel,
  onShowReport,
}: {
  phase: Phase;
  bundle: ReturnType<typeof useBundleQuery>['data'];
  pollError: unknown;
  onCancel: () => void;
  onShowReport: (bundleId: string) => void;
}) {
  switch (phase.kind) {
    case 'idle':
      return null;
    case 'uploading': {
      const pct = phase.total > 0 ? Math.min(100, Math.round((phase.sent / phase.total) * 100)) : 0;
      return (
        <div className="upload-status" role="status">
          <div className="upload-line">
            <span>
              Uploading <strong>{phase.name}</strong> — {formatBytes(phase.sent)} of{' '}
              {formatBytes(phase.total)} ({pct}%)
            </span>
            <button type="button" onClick={onCancel}>
              Cancel upload
            </button>
          </div>
          <progress aria-label="Upload progress" max={100} value={pct} />
        </div>
      );
    }
    case 'error':
      return (
        <div className="upload-status upload-error" role="alert">
          <strong>Upload of {phase.name} failed.</strong> {phase.message}
        </div>
      );
    case 'ingesting': {
      if (!bundle) {
        return (
          <div className="upload-status" role="status">
            {pollError ? (
              <span className="error-text">Cannot read ingest progress: {errorMessage(pollError)}</span>
            ) : (
              <span>Uploaded {phase.name}. Waiting for ingest…</span>
            )}
            <progress aria-label="Ingest progress" />
          </div>
        );
      }
      if (bundle.status === 'failed') {
        return (
          <div className="upload-status upload-error" role="alert">
            <strong>Ingest of {phase.name} failed.</strong> {bundle.error ?? 'The bundle could not be read.'}{' '}
            <button type="button" className="link-button" onClick={() => onShowReport(bundle.id)}>
              Show ingest report
            </button>
          </div>
        );
      }
      if (bundle.status === 'ready') {
        return (
          <div className="upload-status upload-done" role="status">
            <progress aria-label="Ingest progress" max={100} value={100} />
            <span>
              <strong>Done.</strong> {phase.name}: {countOf(bundle.records, 'record')},{' '}
              {countOf(bundle.requests, 'request')}.{' '}
              <Link href={`/bundles/${encodeURIComponent(bundle.id)}`}>Open requests</Link> ·{' '}
              <button type="button" className="link-button" onClick={() => onShowReport(bundle.id)}>
                Show ingest report
              </button>
            </span>
          </div>
        );
      }
      const p = bundle.progress;
      const pct = p?.bytesTotal ? Math.min(100, Math.round((p.bytesRead / p.bytesTotal) * 100)) : undefined;
      return (
        <div className="upload-status" role="status">
          <span>
            Ingesting <strong>{phase.name}</strong>: {p ? p.stage : 'starting'}
            {p ? ` — ${formatCount(p.records)} records from ${formatCount(p.files)} files` : ''}
            {p?.currentFile ? ` (${p.currentFile})` : ''}
          </span>
          {pct === undefined ? (
            <progress aria-label="Ingest progress" />
          ) : (
            <progress aria-label="Ingest progress" max={100} value={pct} />
          )}
        </div>
      );
    }
  }
}
