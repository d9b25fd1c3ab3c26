import { COMPONENTS } from '@kubetrail/model';
import { componentOfPod, noPathHints } from './classifyPath.ts';
import type { SectionAction, SectionHead, SectionRules } from './sections.ts';
import type { PathHints } from './types.ts';

/**
 * `kubectl cluster-info dump` without `--output-directory` writes one stream: pretty-printed JSON
 * lists (NodeList, then per namespace EventList, ReplicationControllerList, ServiceList,
 * DaemonSetList, DeploymentList, ReplicaSetList, PodList) with `{` and `}` alone at column 0, and
 * after each namespace's lists its pods' logs between `==== START logs for container C of pod
 * ns/name ====` and `==== END logs … ====`. Before k8s 1.14 the lists carry Go field names and no
 * `kind` (the `selfLink` names the resource). People paste it into text and Markdown files, with
 * prose and code fences around it.
 */
const START = /^==== START logs for container (\S+) of pod ([^/\s]+)\/(\S+) ====\s*$/;
const END = /^==== END logs for container \S+ of pod \S+ ====\s*$/;
const KIND = /^\s*"[Kk]ind":\s*"([A-Za-z]+)"/;
const SELF_LINK = /^\s*"selfLink":\s*"\/apis?\/(?:[^"]*?\/)?(?:namespaces\/([^/"]+)\/)?([a-z]+)"/;

/** True when a file's first lines are a single-stream cluster-info dump (or one pasted in text). */
export function isClusterInfoStream(headLines: readonly string[], fileName: string): boolean {
  let opens = 0;
  let textBefore = false;
  let nodeList = false;
  for (const l of headLines) {
    if (START.test(l)) return true;
    const t = l.trimEnd();
    if (t === '{') {
      opens++;
      continue;
    }
    if (opens === 0 && t.length > 0) textBefore = true;
    if (opens > 0 && (/^\s*"kind":\s*"NodeList"/.test(l) || /^\s*"selfLink":\s*"\/api\/v1\/nodes"/.test(l)))
      nodeList = true;
  }
  const base = fileName.toLowerCase().split('/').at(-1) ?? '';
  // A dump always opens with the NodeList; a lone `nodes.json` of a dump directory is no stream.
  if (nodeList && !/^nodes\.(json|ya?ml)$/.test(base)) return true;
  return opens >= 2 || (opens >= 1 && textBefore && nodeList);
}

/** `pods` → a hint for the lines of a list of that resource. */
function listHints(resource: string): PathHints {
  const h: PathHints = { ...noPathHints(), layout: 'cluster-info', resource: resource || null };
  if (resource === 'events') {
    h.content = 'events';
    h.component = COMPONENTS.events;
  } else {
    h.content = 'k8s-objects';
  }
  return h;
}

/** `PodList` → `pods`, `ReplicationControllerList` → `replicationcontrollers`. */
function resourceOfListKind(kind: string): string {
  const base = kind.endsWith('List') ? kind.slice(0, -4) : kind;
  const lower = base.toLowerCase();
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** Names a JSON document section from its first lines (`"kind": "PodList"`, `"selfLink": …`). */
function jsonHead(lines: readonly string[]): SectionHead {
  let resource: string | null = null;
  let namespace: string | null = null;
  for (const l of lines) {
    const link = SELF_LINK.exec(l);
    if (link) {
      resource = link[2] ?? null;
      namespace = link[1] ?? null;
      break;
    }
    const kind = KIND.exec(l);
    if (kind && resource === null) resource = resourceOfListKind(kind[1] as string);
  }
  const name = resource === null ? 'json' : namespace === null ? resource : `${namespace}/${resource}`;
  return { name, hints: listHints(resource ?? '') };
}

/** The hints of a pod's log section: its namespace, pod, container and component. */
export function podLogHints(namespace: string, pod: string, container: string): PathHints {
  const h: PathHints = { ...noPathHints(), layout: 'cluster-info' };
  h.pod = { namespace, name: pod, uid: null };
  h.container = container;
  const c = componentOfPod(namespace, pod, container);
  h.component = c.component;
  h.node = c.node;
  return h;
}

/** Section rules for the single-stream dump: JSON documents, pod log sections, and text between. */
export function clusterInfoDumpSections(): SectionRules {
  let state: 'top' | 'json' | 'logs' = 'top';
  return {
    line(text: string): SectionAction {
      const start = START.exec(text);
      if (start) {
        state = 'logs';
        const [, container = '', namespace = '', pod = ''] = start;
        return {
          type: 'header',
          head: {
            name: `logs ${namespace}/${pod}/${container}`,
            hints: podLogHints(namespace, pod, container),
          },
        };
      }
      switch (state) {
        case 'logs':
          if (END.test(text)) {
            state = 'top';
            return { type: 'footer' };
          }
          return { type: 'content' };
        case 'json':
          if (text.trimEnd() === '}') {
            state = 'top';
            return { type: 'last' };
          }
          return { type: 'content' };
        case 'top':
          if (text.trimEnd() === '{') {
            state = 'json';
            return {
              type: 'start',
              head: { name: 'json', hints: listHints(''), nameFrom: jsonHead },
            };
          }
          return { type: 'content' };
      }
    },
  };
}
