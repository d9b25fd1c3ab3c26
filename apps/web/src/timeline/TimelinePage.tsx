import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import { SEVERITIES } from '@kubetrail/model';
import type { Stage, Timeline } from '@kubetrail/model';
import { OutcomeBadge } from '../components/OutcomeBadge';
import { explainingTarget, outcomeView, stageLabel } from '../components/outcome';
import { errorMessage } from '../api/client';
import { ErrorState, Loading } from '../components/States';
import { cleanLogText } from '../lib/ansi';
import { copyText } from '../lib/clipboard';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { formatCount, formatDuration } from '../lib/format';
import { useTheme } from '../lib/theme';
import { useTimeFormat } from '../lib/timeFormat';
import { requestsBackHref } from '../requests/url';
import { tickLabel } from './axis';
import { DetailPanel } from './DetailPanel';
import { laneText } from './lanes';
import { layoutLanes } from './layout';
import { KeyMap } from './KeyMap';
import { LogTable } from './LogTable';
import { step } from './navigation';
import { SpanDetail } from './SpanDetail';
import { StageLadder } from './StageLadder';
import { SwimlaneCanvas } from './SwimlaneCanvas';
import type { CanvasControl } from './SwimlaneCanvas';
import { offsetToRfc3339, originEpochMs as toEpochMs, rfc3339ToOffset } from './time';
import { getUrl, parseUrl } from './url';
import type { TimelineUrlState } from './url';
import { useHistogramQuery } from './useHistogramQuery';
import { useRecordQuery } from './useRecordQuery';
import { useTimelineQuery } from './useTimelineQuery';
import { ensureVisible, fetchWindow, initialView, needsRefetch, pan, span, zoom } from './viewport';
import type { FetchWindow, Viewport } from './viewport';
import { VolumeHistogram } from './VolumeHistogram';
import './timeline.css';

/** Label precision for the window's ends: µs under 5 ms, ms under a minute, else seconds. */
const labelStep = (spanMs: number): number => (spanMs < 5 ? 0.001 : spanMs < 60_000 ? 1 : 1000);

/** Width of the DOM lane-label column beside the canvas (px). */
const LABEL_W = 190;

export function TimelinePage() {
  const { bundleId = '', reqId = '' } = useParams<{ bundleId: string; reqId: string }>();
  const search = useSearch();
  const [, navigate] = useLocation();
  const url = parseUrl(search);
  /** Changes the view state in the URL; `push` makes it a history entry (Back undoes it). */
  const setUrl = (patch: Partial<TimelineUrlState>, push = false) =>
    navigate(getUrl(bundleId, reqId, { ...url, ...patch }), { replace: !push });
  const fmt = useTimeFormat();
  // The canvas reads its colours at each frame: a new theme redraws it.
  const { theme } = useTheme();
  const [showKeys, setShowKeys] = useState(false);

  // The drawing width, measured; nothing is fetched before it is known (the server buckets by it).
  const [width, setWidth] = useState(0);
  const measureRef = useCallback((el: HTMLDivElement | null) => {
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => {
      // Hidden (0 wide) while an error shows: keep the last width.
      if (entry && entry.contentRect.width > 0)
        setWidth(Math.max(200, Math.floor(entry.contentRect.width - LABEL_W)));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const urlView: Viewport | null = useMemo(
    () => (url.from !== null && url.to !== null ? { from: url.from, to: url.to } : null),
    [url.from, url.to],
  );
  const [fetchWin, setFetchWin] = useState<FetchWindow | null>(null);
  const [defaultWidth, setDefaultWidth] = useState(0);
  if (width > 0 && defaultWidth === 0) setDefaultWidth(width);
  if (width > 0 && fetchWin === null && urlView) setFetchWin(fetchWindow(urlView, width));

  const ready = width > 0 && (fetchWin !== null || urlView === null);
  const tq = useTimelineQuery(bundleId, reqId, fetchWin, defaultWidth || width, url.errorsOnly, ready);
  // The last window that loaded stays on screen when the next one fails (the failure is said).
  const [lastLoaded, setLastLoaded] = useState(tq.data);
  if (tq.data && tq.data !== lastLoaded) setLastLoaded(tq.data);
  const loaded = tq.data ?? lastLoaded;
  const data: Timeline | undefined = loaded?.timeline;
  // The first view frames the operation (until its ladder settled); later lines stay reachable.
  const frame = data?.activity ?? data?.extent;
  const frameFrom = frame?.from;
  const frameTo = frame?.to;
  const view: Viewport | null = useMemo(
    () =>
      urlView ??
      (frameFrom !== undefined && frameTo !== undefined
        ? initialView({ from: frameFrom, to: frameTo })
        : null),
    [urlView, frameFrom, frameTo],
  );

  // Refetch when the view leaves what was fetched or needs finer detail (render-time adjustment).
  if (data && view && width > 0) {
    const requested: FetchWindow = fetchWin ?? { from: data.from, to: data.to, width: defaultWidth || width };
    if (needsRefetch(view, requested, width, data.extent)) setFetchWin(fetchWindow(view, width));
  }

  const scene = loaded?.scene ?? null;
  const hiddenKey = url.hidden.join(',');
  const hidden = useMemo(() => new Set(hiddenKey ? hiddenKey.split(',') : []), [hiddenKey]);
  const layout = useMemo(
    () => (scene ? layoutLanes(scene.laneIds, hidden, scene.barRows) : null),
    [scene, hidden],
  );
  const laneLabels = useMemo(() => {
    if (!scene || !data) return [];
    const byId = new Map(data.lanes.map((l) => [l.id, l.label]));
    return scene.laneIds.map((id) => byId.get(id) ?? id);
  }, [scene, data]);
  const origin = data?.origin ?? null;
  // Axis labels read this with UTC getters: shifted by the zone's offset when times show local.
  const originMs = origin ? toEpochMs(origin) + fmt.shiftMs(toEpochMs(origin)) : 0;

  const [context, setContext] = useState(10);
  const record = useRecordQuery(bundleId, url.sel, context);
  const histRange = useMemo(() => {
    if (!data) return null;
    // The same air as initialView, so the brush starts out covering the whole chart.
    const pad = span(data.extent) > 0 ? span(data.extent) * 0.04 : 500;
    return {
      from: offsetToRfc3339(data.origin, data.extent.from - pad),
      to: offsetToRfc3339(data.origin, data.extent.to + pad),
    };
    // The extent and origin are stable for a request; refetching per window would be wasted.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data?.origin, data?.extent.from, data?.extent.to]);
  const histogram = useHistogramQuery(bundleId, reqId, histRange, 240);

  const canvas = useRef<CanvasControl>(null);
  const liveView = (): Viewport | null => canvas.current?.getView() ?? view;

  /**
   * Selects a record; the view moves only when the record is outside it (time `t` when the scene
   * does not know it).
   */
  const select = (recordId: number | null, t?: number | null) => {
    const at = recordId !== null ? (scene?.recordT.get(recordId) ?? t ?? null) : null;
    const v = liveView();
    const next = at !== null && v ? ensureVisible(v, at) : v;
    setUrl({ sel: recordId, span: null, ...(next && next !== v ? { from: next.from, to: next.to } : {}) });
  };
  const stop = data ? explainingTarget(data.request)?.stoppedAt : undefined;
  const jumpToStop = () => {
    if (!stop || stop.recordId === null || !origin || data?.request.outcome === 'complete') return;
    const st = explainingTarget(data!.request)?.stages.find((x) => x.id === stop.stage);
    select(stop.recordId, rfc3339ToOffset(origin, st?.at ?? null));
  };

  const selectStage = (st: Stage) => {
    const rid = st.recordIds[0] ?? null;
    if (rid === null || !origin) return;
    select(rid, rfc3339ToOffset(origin, st.at));
  };

  // Keyboard: j/k or n/p, e, +/-, ←/→, Esc. Reads the latest state through a ref.
  const onKey = useRef<(e: KeyboardEvent) => void>(() => {});
  useEffect(() => {
    onKey.current = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      // Typing in a text field is typing; a focused checkbox or button leaves the keys to the page.
      const typing =
        t &&
        (t.isContentEditable ||
          t.tagName === 'TEXTAREA' ||
          t.tagName === 'SELECT' ||
          (t.tagName === 'INPUT' &&
            !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(
              (t as HTMLInputElement).type,
            )));
      if (typing) return;
      if (e.key === '?') {
        setShowKeys((x) => !x);
        e.preventDefault();
        return;
      }
      if (!scene || !layout) return;
      const visible = (lane: number) => (layout.rowOfLane[lane] ?? -1) >= 0;
      const v = canvas.current?.getView() ?? view;
      const selTs = record.data?.record.id === url.sel ? (record.data?.record.ts ?? null) : null;
      const selT = origin && selTs ? rfc3339ToOffset(origin, selTs) : null;
      let handled = true;
      switch (e.key) {
        case 'j':
        case 'n': {
          const id = step(scene, url.sel, 1, visible, false, selT);
          if (id !== null) select(id);
          break;
        }
        case 'k':
        case 'p': {
          const id = step(scene, url.sel, -1, visible, false, selT);
          if (id !== null) select(id);
          break;
        }
        case 'e': {
          const id = step(scene, url.sel, 1, visible, true, selT);
          if (id !== null) select(id);
          break;
        }
        case '+':
        case '=':
          if (v) canvas.current?.setView(zoom(v, 0.7));
          break;
        case '-':
        case '_':
          if (v) canvas.current?.setView(zoom(v, 1 / 0.7));
          break;
        case 'ArrowLeft':
          if (v) canvas.current?.setView(pan(v, -span(v) * 0.2));
          break;
        case 'ArrowRight':
          if (v) canvas.current?.setView(pan(v, span(v) * 0.2));
          break;
        case 's':
          jumpToStop();
          break;
        case 'Escape':
          if (showKeys) setShowKeys(false);
          else if (url.sel !== null || url.span !== null) setUrl({ sel: null, span: null });
          else handled = false;
          break;
        default:
          handled = false;
      }
      if (handled) e.preventDefault();
    };
  });
  useEffect(() => {
    const h = (e: KeyboardEvent) => onKey.current(e);
    window.addEventListener('keydown', h);
    return () => window.removeEventListener('keydown', h);
  }, []);

  const [copied, setCopied] = useState<'idle' | 'ok' | 'fail'>('idle');
  // The selected span, from the URL (`span=<traceId>:<spanId>`: spans have no record id).
  const [spanTrace, spanId] = url.span?.split(':') ?? [];
  const spanSel = spanTrace && spanId ? { traceId: spanTrace, spanId } : null;
  const setSpanSel = (s: { traceId: string; spanId: string } | null) =>
    setUrl({ span: s ? `${s.traceId}:${s.spanId}` : null, ...(s ? { sel: null } : {}) });
  useEffect(() => {
    if (copied === 'idle') return;
    const id = window.setTimeout(() => setCopied('idle'), 2500);
    return () => window.clearTimeout(id);
  }, [copied]);
  const copyLink = async () => {
    const v = liveView();
    const path = getUrl(bundleId, reqId, { ...url, ...(v ? { from: v.from, to: v.to } : {}) });
    setCopied((await copyText(`${window.location.origin}${path}`)) ? 'ok' : 'fail');
  };

  const req = data?.request;
  const firstTarget = req?.targets[0];
  useDocumentTitle(
    firstTarget
      ? `${firstTarget.verb} ${firstTarget.resource} ${firstTarget.namespace ? `${firstTarget.namespace}/` : ''}${firstTarget.name}`
      : 'Timeline',
  );
  const firstLoad = !data;

  const selectedSpan = spanSel
    ? (data?.spans.find((sp) => sp.traceId === spanSel.traceId && sp.spanId === spanSel.spanId) ?? null)
    : null;
  return (
    <div className="page page-timeline">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/">Bundles</Link> / <Link href={requestsBackHref(bundleId)}>Requests</Link> /{' '}
        <span className="mono">{reqId}</span>
      </nav>
      {tq.isError && !data ? (
        <ErrorState error={tq.error} title="Cannot load this request" retry={() => void tq.refetch()} />
      ) : req ? (
        <RequestHeader timeline={data} onShowStop={(rid, t) => select(rid, t)} />
      ) : null}
      <div className="tl-body" hidden={tq.isError && !data}>
        <aside className="tl-side">
          {req && origin && (
            <StageLadder request={req} origin={origin} selected={url.sel} onSelectStage={selectStage} />
          )}
        </aside>
        <div className="tl-main">
          <div className="toolbar" role="toolbar" aria-label="Timeline controls">
            <label className="check">
              <input
                type="checkbox"
                checked={url.errorsOnly}
                onChange={(e) => setUrl({ errorsOnly: e.target.checked })}
              />
              Errors only
            </label>
            {scene && (
              <LaneToggles
                laneIds={scene.laneIds}
                labels={laneLabels}
                hidden={hidden}
                onChange={(h) => setUrl({ hidden: [...h] })}
              />
            )}
            <span className="toolbar-group">
              <button
                type="button"
                onClick={() => view && canvas.current?.setView(zoom(liveView() ?? view, 0.7))}
              >
                Zoom in
              </button>
              <button
                type="button"
                onClick={() => view && canvas.current?.setView(zoom(liveView() ?? view, 1 / 0.7))}
              >
                Zoom out
              </button>
              <button type="button" onClick={() => setUrl({ from: null, to: null }, true)}>
                Fit request
              </button>
              <button
                type="button"
                title="Every line of the request, also those after it settled"
                onClick={() => data && setUrl(initialView(data.extent), true)}
              >
                All lines
              </button>
            </span>
            <span className="toolbar-spacer" />
            {view && origin && (
              <span
                className="window-label small muted"
                aria-live="polite"
                title={`${tickLabel(originMs + view.from, labelStep(span(view)))} → ${tickLabel(originMs + view.to, labelStep(span(view)))}`}
              >
                {tickLabel(originMs + view.from, labelStep(span(view)))} →{' '}
                {tickLabel(originMs + view.to, labelStep(span(view)))} {fmt.zone === 'utc' ? 'UTC' : 'local'}{' '}
                ({formatDuration(span(view))})
              </span>
            )}
            <a
              className="button"
              href={`/api/bundles/${encodeURIComponent(bundleId)}/requests/${encodeURIComponent(reqId)}/otlp`}
              download
            >
              Export OTLP
            </a>
            <button type="button" className="button-primary" onClick={() => void copyLink()}>
              Copy link
            </button>
            <span className="copied small" role="status">
              {copied === 'ok' ? 'Link copied' : copied === 'fail' ? 'Copy failed — use the address bar' : ''}
            </span>
          </div>
          <Legend />
          {data && view && histogram.data ? (
            <VolumeHistogram
              histogram={histogram.data}
              origin={data.origin}
              originEpochMs={originMs}
              view={view}
              onView={(v) => setUrl({ from: v.from, to: v.to }, true)}
            />
          ) : (
            <div className="histogram histogram-placeholder">
              {histogram.isError ? <span className="muted small">Log volume unavailable.</span> : null}
            </div>
          )}
          <div className="lanes-wrap" ref={measureRef}>
            {firstLoad ? (
              tq.isError ? null : (
                <Loading what="timeline" />
              )
            ) : scene && layout && view && width > 0 ? (
              layout.rows.length === 0 ? (
                <div className="state state-empty">
                  <strong>All lanes are hidden.</strong>
                  <button type="button" onClick={() => setUrl({ hidden: [] })}>
                    Show all lanes
                  </button>
                </div>
              ) : (
                <div className="lanes">
                  <LaneLabels
                    layout={layout}
                    labels={laneLabels}
                    lanes={data.lanes}
                    onHide={(id) => setUrl({ hidden: [...hidden, id] })}
                  />
                  <SwimlaneCanvas
                    scene={scene}
                    layout={layout}
                    laneLabels={laneLabels}
                    view={view}
                    width={width}
                    originEpochMs={originMs}
                    selected={url.sel}
                    loading={tq.isFetching}
                    theme={theme}
                    onSelect={(id) => setUrl({ sel: id, span: null })}
                    onSelectSpan={(i) => {
                      const sp = data.spans[i];
                      if (sp) setSpanSel({ traceId: sp.traceId, spanId: sp.spanId });
                    }}
                    onViewCommit={(v) => setUrl({ from: v.from, to: v.to }, true)}
                    controlRef={canvas}
                    summary={`${formatCount(scene.marks.n)} lines and ${formatCount(scene.bars.n)} calls or spans in ${layout.rows.length} lanes. ${req ? outcomeView(req).label : ''}.`}
                  />
                </div>
              )
            ) : null}
            {data && scene && scene.marks.n + scene.buckets.n + scene.bars.n === 0 && (
              <p className="muted small">
                {url.errorsOnly ? 'No errors in this window.' : 'No lines in this window.'}
              </p>
            )}
          </div>
          {tq.isError && data && (
            <div className="state state-error" role="alert">
              <strong>Cannot load this window.</strong> <span>{errorMessage(tq.error)}</span>
              <button type="button" onClick={() => void tq.refetch()}>
                Try again
              </button>
            </div>
          )}
          {data && origin && (
            <LogTable
              bundleId={bundleId}
              reqId={reqId}
              filter={{ from: url.from, to: url.to, errorsOnly: url.errorsOnly, hidden: url.hidden }}
              laneLabel={(id) => data.lanes.find((l) => l.id === id)?.label ?? id}
              selected={url.sel}
              onSelect={(l) => select(l.record.id, l.t)}
              permalink={(id) => getUrl(bundleId, reqId, { ...url, sel: id, span: null })}
            />
          )}
          {selectedSpan && (
            <SpanDetail
              span={selectedSpan}
              parent={
                data?.spans.find(
                  (p) => p.spanId === selectedSpan.parentSpanId && p.traceId === selectedSpan.traceId,
                ) ?? null
              }
              onClose={() => setSpanSel(null)}
            />
          )}
          <DetailPanel
            bundleId={bundleId}
            reqId={reqId}
            selected={url.sel}
            detail={record.data}
            isPending={record.isPending}
            error={record.isError ? record.error : null}
            onSelect={(id, ts) => select(id, origin ? rfc3339ToOffset(origin, ts) : null)}
            onClose={() => setUrl({ sel: null })}
            context={context}
            onMoreContext={() => setContext((c) => Math.min(500, c + 50))}
          />
        </div>
      </div>
      {showKeys && <KeyMap onClose={() => setShowKeys(false)} />}
    </div>
  );
}

function RequestHeader({
  timeline,
  onShowStop,
}: {
  timeline: Timeline;
  onShowStop: (recordId: number, t: number | null) => void;
}) {
  const r = timeline.request;
  const fmt = useTimeFormat();
  const target = explainingTarget(r);
  const stop = target?.stoppedAt ?? null;
  const dur = rfc3339ToOffset(r.startedAt, r.endedAt) ?? 0;
  const stopStage = stop ? target?.stages.find((s) => s.id === stop.stage) : undefined;
  return (
    <header className="tl-header">
      <div className="tl-title">
        <h1>
          {r.targets.length === 0
            ? r.reqId
            : r.targets.map((t, i) => (
                <span key={i} className="tl-target">
                  {t.verb} {t.resource}{' '}
                  <span className="mono">
                    {t.namespace ? `${t.namespace}/` : ''}
                    {t.name}
                  </span>
                </span>
              ))}
        </h1>
        <OutcomeBadge request={r} />
      </div>
      <dl className="tl-meta">
        <div>
          <dt>User</dt>
          <dd>
            {r.user ?? 'unknown'}
            {r.impersonatedUser ? ` as ${r.impersonatedUser}` : ''}
          </dd>
        </div>
        <div>
          <dt>Agent</dt>
          <dd className="mono small">{r.userAgent ?? '—'}</dd>
        </div>
        <div>
          <dt>Source IPs</dt>
          <dd className="mono">{r.sourceIps.length ? r.sourceIps.join(', ') : '—'}</dd>
        </div>
        <div>
          <dt>Started ({fmt.zone === 'utc' ? 'UTC' : 'local'})</dt>
          <dd className="mono">{fmt.timestamp(r.startedAt)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(dur)}</dd>
        </div>
        <div>
          <dt>Lines</dt>
          <dd>{formatCount(r.records)}</dd>
        </div>
        <div>
          <dt>reqID</dt>
          <dd className="mono small">
            {r.reqId} <span className="muted">({r.idKind})</span>
          </dd>
        </div>
      </dl>
      {stop && r.outcome !== 'complete' && (
        <div
          className={`stop-box${r.outcome === 'incomplete' ? ' stop-box-warn' : ''}`}
          role="note"
          aria-label="Stopped at"
        >
          <strong>
            {r.outcome === 'incomplete' ? 'Did not get past' : 'Stopped at'} {stageLabel(stop.stage)}
          </strong>
          {stop.component && <span> in {stop.component}</span>}:{' '}
          <span className="stop-reason">{cleanLogText(stop.reason)}</span>
          {stop.recordId !== null && (
            <button
              type="button"
              className="link-button"
              onClick={() =>
                onShowStop(stop.recordId as number, rfc3339ToOffset(timeline.origin, stopStage?.at ?? null))
              }
            >
              Show the line
            </button>
          )}
        </div>
      )}
    </header>
  );
}

function Legend() {
  return (
    <ul className="legend" aria-label="Legend">
      {SEVERITIES.map((s) => (
        <li key={s}>
          <span className={`swatch swatch-${s}`} aria-hidden="true" />
          {s}
        </li>
      ))}
      <li>
        <span className="shape-event" aria-hidden="true" />
        Kubernetes Event
      </li>
      <li>
        <span className="shape-state" aria-hidden="true" />
        object state
      </li>
      <li>
        <span className="shape-bar" aria-hidden="true" />
        API call
      </li>
      <li>
        <span className="shape-span" aria-hidden="true" />
        trace span
      </li>
      <li>
        <span className="shape-block" aria-hidden="true" />
        many lines
      </li>
      <li>
        <span className="shape-stage" aria-hidden="true" />
        stage reached
      </li>
      <li>
        <span className="shape-stop" aria-hidden="true" />
        stop point
      </li>
    </ul>
  );
}

function LaneLabels({
  layout,
  labels,
  lanes,
  onHide,
}: {
  layout: ReturnType<typeof layoutLanes>;
  labels: string[];
  lanes: Timeline['lanes'];
  onHide: (id: string) => void;
}) {
  const byId = new Map(lanes.map((l) => [l.id, l]));
  return (
    <div className="lane-labels">
      <ul aria-label="Lanes">
        <li className="lane-label lane-label-axis" aria-hidden="true">
          <span className="muted small">time (UTC)</span>
          <span className="muted small">stages</span>
        </li>
        {layout.rows.map((r, i) => {
          const lane = byId.get(r.id);
          const t = laneText(lane, labels[r.lane] ?? r.id);
          return (
            <li
              key={r.id}
              className={`lane-label${i % 2 ? ' alt' : ''}`}
              style={{ height: r.h }}
              title={r.id}
            >
              <span className="lane-text">
                <span className="lane-name">{t.main}</span>
                <span className="lane-sub small">
                  {t.sub}
                  {t.sub && lane ? ' · ' : ''}
                  {lane ? `${formatCount(lane.count)} lines` : ''}
                </span>
              </span>
              <button
                type="button"
                className="lane-hide"
                aria-label={`Hide lane ${labels[r.lane] ?? r.id}`}
                onClick={() => onHide(r.id)}
              >
                ×
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function LaneToggles({
  laneIds,
  labels,
  hidden,
  onChange,
}: {
  laneIds: string[];
  labels: string[];
  hidden: Set<string>;
  onChange: (hidden: Set<string>) => void;
}) {
  const shown = laneIds.filter((id) => !hidden.has(id)).length;
  return (
    <details className="lane-toggles">
      <summary>
        Lanes ({shown} of {laneIds.length})
      </summary>
      <fieldset>
        <legend className="visually-hidden">Lanes shown</legend>
        {laneIds.map((id, i) => (
          <label key={id} className="check">
            <input
              type="checkbox"
              checked={!hidden.has(id)}
              onChange={(e) => {
                const next = new Set(hidden);
                if (e.target.checked) next.delete(id);
                else next.add(id);
                onChange(next);
              }}
            />
            {labels[i] ?? id}
          </label>
        ))}
        <button type="button" className="link-button" onClick={() => onChange(new Set())}>
          Show all
        </button>
      </fieldset>
    </details>
  );
}
