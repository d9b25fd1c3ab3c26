import { COMPONENTS } from '@kubetrail/model';
import { noPathHints } from './classifyPath.ts';
import type { SectionAction, SectionHead, SectionRules } from './sections.ts';
import type { PathHints } from './types.ts';

/**
 * `minikube logs --file` writes one text file of `==> name <==` sections, each the tail of one
 * component's log (`kube-apiserver [0e43ac4c291d]`: the container id), minikube's own `Audit`
 * table and `Last Start` log, `container status`, `describe nodes`, `dmesg`, `kernel`. Releases
 * up to ~1.26 print each section through a `* ` prefix (header `* ==> Audit <==`, and the first
 * line of the section after it).
 */
const HEADER = /^(?:\* )?==> (.+?) <==\s*$/;

/** True when the first lines of a file are `minikube logs` output. */
export function isMinikubeLogs(headLines: readonly string[]): boolean {
  let headers = 0;
  for (const l of headLines.slice(0, 400)) {
    const m = HEADER.exec(l);
    if (!m) continue;
    const name = (m[1] as string).trim();
    if (name === 'Audit' || name === 'Last Start' || KNOWN.has(baseName(name))) return true;
    headers++;
  }
  return headers >= 2;
}

/** Section names minikube writes (container sections drop their `[id]`). */
const KNOWN = new Set([
  'Audit',
  'Last Start',
  'Docker',
  'containerd',
  'CRI-O',
  'container status',
  'describe nodes',
  'dmesg',
  'kernel',
  'kubelet',
  'coredns',
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-proxy',
  'kube-scheduler',
  'storage-provisioner',
]);

/** `kube-apiserver [0e43ac4c291d]` → `kube-apiserver`. */
const baseName = (name: string): string => name.replace(/\s*\[[0-9a-f]+\]$/i, '').trim();

/** The node name minikube gives its (first) node. */
export const MINIKUBE_NODE = 'minikube';

/** What a section's name says about its lines. */
export function minikubeSectionHints(name: string): PathHints {
  const h: PathHints = { ...noPathHints(), layout: 'minikube' };
  const base = baseName(name);
  switch (base) {
    case 'Audit':
      h.component = 'minikube';
      h.content = 'minikube-audit';
      return h;
    case 'Last Start':
      // minikube's own klog, written on the user's machine (not a cluster node).
      h.component = 'minikube';
      return h;
    case 'Docker':
      h.component = 'docker';
      h.node = MINIKUBE_NODE;
      return h;
    case 'containerd':
      h.component = COMPONENTS.runtime;
      h.node = MINIKUBE_NODE;
      return h;
    case 'CRI-O':
      h.component = 'crio';
      h.node = MINIKUBE_NODE;
      return h;
    case 'container status':
      h.component = 'container-runtime';
      h.content = 'container-status';
      h.node = MINIKUBE_NODE;
      return h;
    case 'describe nodes':
    case 'kernel':
      h.component = 'node';
      h.content = 'document';
      h.node = MINIKUBE_NODE;
      return h;
    case 'dmesg':
      h.component = 'kernel';
      h.content = 'dmesg';
      h.node = MINIKUBE_NODE;
      return h;
    case 'kubelet':
      h.component = COMPONENTS.kubelet;
      h.node = MINIKUBE_NODE;
      return h;
    default:
      // A container's log: the section is named after the container.
      h.component = base;
      h.container = base;
      h.node = MINIKUBE_NODE;
      return h;
  }
}

/** Zone abbreviations minikube's Audit table prints (Go's `MST` layout), in minutes east of UTC. */
const ZONE_NAMES: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  WET: 0,
  BST: 60,
  CET: 60,
  CEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  IST: 330,
  IDT: 180,
  EAT: 180,
  CAT: 120,
  SAST: 120,
  WAT: 60,
  MET: 60,
  MEST: 120,
  PKT: 300,
  NPT: 345,
  BDT: 360,
  SGT: 480,
  HKT: 480,
  PHT: 480,
  AWST: 480,
  ACST: 570,
  ACDT: 630,
  BRT: -180,
  ART: -180,
  CLT: -240,
  COT: -300,
  PET: -300,
  ICT: 420,
  WIB: 420,
  CST: -360,
  CDT: -300,
  EST: -300,
  EDT: -240,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  JST: 540,
  KST: 540,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
};

/** Minutes east of UTC of an Audit table zone: `+07`, `-0500`, `UTC`, `IST`; null when unknown. */
export function minikubeZoneMinutes(zone: string): number | null {
  const m = /^([+-])(\d\d):?(\d\d)?$/.exec(zone);
  if (m) {
    const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
    return m[1] === '-' ? -minutes : minutes;
  }
  return ZONE_NAMES[zone] ?? null;
}

const MONTHS: Record<string, number> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

/** An Audit table time: `17 Sep 24 00:47 +07` or `Mon, 24 Jan 2022 22:38:17 IST`. */
const AUDIT_TIME =
  /^(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{2}|\d{4}) (\d\d):(\d\d)(?::(\d\d))? (\S+)$/;

/** UTC ms and zone of an Audit table time cell; null when it is empty or not a time. */
export function minikubeAuditTime(cell: string): { ms: number; zoneMinutes: number } | null {
  const m = AUDIT_TIME.exec(cell.trim());
  if (!m) return null;
  const month = MONTHS[m[2] as string];
  const zone = minikubeZoneMinutes(m[7] as string);
  if (month === undefined || zone === null) return null;
  let year = Number(m[3]);
  if (year < 100) year += 2000;
  const ms =
    Date.UTC(year, month - 1, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? '0')) - zone * 60_000;
  return Number.isFinite(ms) ? { ms, zoneMinutes: zone } : null;
}

/**
 * Section rules for `minikube logs`. The Audit table's zone is remembered and handed to the
 * `Last Start` section, which minikube wrote on the same machine in the same zone.
 */
export function minikubeSections(): SectionRules {
  let zone: number | null = null;
  let inAudit = false;
  return {
    line(text: string): SectionAction {
      const m = HEADER.exec(text);
      if (m) {
        const name = (m[1] as string).trim();
        inAudit = name === 'Audit';
        const head: SectionHead = { name, hints: minikubeSectionHints(name) };
        if (text.startsWith('* ')) head.stripFirst = '* ';
        if (baseName(name) === 'Last Start') head.zoneMinutes = zone;
        return { type: 'header', head };
      }
      if (inAudit && zone === null && text.includes('|')) {
        for (const cell of text.split('|')) {
          const t = minikubeAuditTime(cell);
          if (t !== null) {
            zone = t.zoneMinutes;
            break;
          }
        }
      }
      return { type: 'content' };
    },
  };
}
