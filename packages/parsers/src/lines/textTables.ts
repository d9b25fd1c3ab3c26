/**
 * The text tables `minikube logs` prints: its `Audit` table (minikube's own commands, one row each,
 * `| start | --driver=docker | minikube | alice | v1.34.0 | 17 Sep 24 00:47 +07 | 17 Sep 24 00:49 +07 |`)
 * and the `container status` table (`crictl ps -a` or `docker ps -a`, columns aligned by spaces).
 */

/** Cells of a `| a | b |` row, trimmed; null for a separator (`|---|`) or a non-row. */
export function pipeCells(line: string): string[] | null {
  const t = line.trim();
  if (!t.startsWith('|') || !t.endsWith('|') || t.length < 3) return null;
  if (/^\|[-|+ ]+\|$/.test(t)) return null;
  return t
    .slice(1, -1)
    .split('|')
    .map((c) => c.trim());
}

/** The column names of a space-aligned table's header (`POD ID` is one name: words join on one space). */
export function tableColumns(header: string): string[] {
  return header.trim().split(/\s{2,}/);
}

/** True for a `container status` header line (crictl or docker). */
export function isContainerTableHeader(line: string): boolean {
  return /^CONTAINER(?: ID)?\s{2,}IMAGE\s{2,}/.test(line);
}

/**
 * One container row, read by splitting on runs of two or more spaces and matching the header's
 * column names (crictl's `CREATED` holds single spaces: `4 minutes ago`).
 */
export function containerRow(
  line: string,
  names: readonly string[],
): {
  container: string;
  pod: string | null;
  state: string;
  attempt: number | null;
  created: string | null;
  image: string | null;
} | null {
  const cells = line.trim().split(/\s{2,}/);
  if (cells.length < 4) return null;
  const at = (name: string): string | null => {
    const i = names.indexOf(name);
    return i >= 0 && i < cells.length ? (cells[i] ?? null) : null;
  };
  if (names.includes('STATE')) {
    // crictl: CONTAINER IMAGE CREATED STATE NAME ATTEMPT POD ID [POD]
    const container = at('NAME');
    const state = at('STATE');
    if (container === null || state === null) return null;
    const attempt = at('ATTEMPT');
    return {
      container,
      pod: at('POD'),
      state,
      attempt: attempt !== null && /^\d+$/.test(attempt) ? Number(attempt) : null,
      created: at('CREATED'),
      image: at('IMAGE'),
    };
  }
  // docker ps -a: CONTAINER ID IMAGE COMMAND CREATED STATUS PORTS NAMES (PORTS is often empty).
  const name = cells.at(-1) ?? null;
  const status = cells.find((c) => /^(Up|Exited|Created|Restarting|Dead|Paused)\b/.test(c)) ?? null;
  if (name === null || status === null) return null;
  // k8s_<container>_<pod>_<namespace>_<uid>_<attempt>
  const k8s = /^k8s_([^_]+)_([^_]+)_([^_]+)_[^_]+_(\d+)$/.exec(name);
  return {
    container: k8s ? (k8s[1] as string) : name,
    pod: k8s ? `${k8s[3] as string}/${k8s[2] as string}` : null,
    state: status,
    attempt: k8s ? Number(k8s[4]) : null,
    created: cells[3] ?? null,
    image: cells[1] ?? null,
  };
}
