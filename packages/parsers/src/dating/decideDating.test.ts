import { describe, expect, it } from 'vitest';
import type { BundleTimeEvidence, DatingInputs } from './decideDating.ts';
import { decideDating } from './decideDating.ts';
import { inFileEvidence } from './inFileEvidence.ts';

const NOW = Date.UTC(2026, 11, 7);
const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
const bundle = (max: string | null, nodeOffsets: [string, number][] = []): BundleTimeEvidence => ({
  minNs: max === null ? null : ns(max),
  maxNs: max === null ? null : ns(max),
  maxSource: max === null ? null : 'events.json',
  nodeOffsets: new Map(nodeOffsets),
});
const inputs = (over: Partial<DatingInputs>): DatingInputs => ({
  first: { month: 3, day: 21, secondOfDay: 14 * 3600 },
  inFile: null,
  bundle: bundle(null),
  node: null,
  flagYear: null,
  flagTzMinutes: null,
  mtimeMs: null,
  nowMs: NOW,
  ...over,
});

describe('decideDating', () => {
  it("takes the year from the bundle's full dates, never after its newest one", () => {
    // A kind export: every full-dated file says 2025-03-21; kubelet.log carries no year.
    expect(decideDating(inputs({ bundle: bundle('2025-03-21T15:00:00Z') }))).toMatchObject({
      rule: 'bundle',
      year: 2025,
    });
    // A December line read against January evidence belongs to the year before.
    const dec = decideDating(
      inputs({ first: { month: 12, day: 30, secondOfDay: 0 }, bundle: bundle('2025-01-02T00:00:00Z') }),
    );
    expect(dec.year).toBe(2024);
    // A first line a few months after the newest evidence is a year earlier, not in the future.
    const later = decideDating(
      inputs({ first: { month: 6, day: 1, secondOfDay: 0 }, bundle: bundle('2025-03-21T00:00:00Z') }),
    );
    expect(later.year).toBe(2024);
  });

  it("does not trust a clone's mtime, and uses an old one as an upper bound", () => {
    // A git clone or an unzip sets mtimes to now: the file would be dated into the future.
    expect(decideDating(inputs({ mtimeMs: NOW - 3600_000 })).rule).toBe('none');
    const old = decideDating(inputs({ mtimeMs: Date.UTC(2022, 11, 21) }));
    expect(old).toMatchObject({ rule: 'mtime', year: 2022 });
  });

  it('prefers full dates in the same file to the bundle, and uses --year only when nothing else tells', () => {
    const sample = [
      '-- Logs begin at Wed 2021-05-26 01:54:58 UTC, end at Wed 2021-05-26 05:55:49 UTC. --',
      'May 26 01:54:58 local-control-plane systemd[1]: Starting containerd container runtime...',
    ];
    const own = decideDating(
      inputs({
        first: { month: 5, day: 26, secondOfDay: 7000 },
        inFile: inFileEvidence(sample),
        bundle: bundle('2024-01-01T00:00:00Z'),
        flagYear: 2020,
      }),
    );
    expect(own).toMatchObject({ rule: 'file', year: 2021, tzOffsetMinutes: 0 });
    expect(own.evidence).toContain('-- Logs begin at Wed 2021-05-26');
    expect(decideDating(inputs({ flagYear: 2020 }))).toMatchObject({ rule: 'flag', year: 2020 });
    expect(decideDating(inputs({}))).toMatchObject({ rule: 'none' });
    expect(decideDating(inputs({})).evidence).toMatch(/pass --year/);
    // A file with no timestamped line (`-- No entries --`) is not asked a year.
    expect(decideDating(inputs({ first: null })).evidence).toBe('no timestamped lines');
  });

  it("reads the zone from the file, else from its node's other files, else --tz", () => {
    const microk8s = inFileEvidence([
      'Oct 29 17:22:59 microk8s-vm microk8s.daemon-containerd[2842]: time="2024-10-29T17:22:59.336567743+05:30" level=info msg="starting containerd"',
    ]);
    expect(microk8s).toMatchObject({ year: 2024, offsetMinutes: 330 });
    const node = decideDating(
      inputs({ node: 'microk8s-vm', bundle: bundle('2024-10-29T12:00:00Z', [['microk8s-vm', 330]]) }),
    );
    expect(node.tzOffsetMinutes).toBe(330);
    expect(node.evidence).toContain('+05:30 shown by other files of microk8s-vm');
    expect(
      decideDating(inputs({ flagTzMinutes: -300, bundle: bundle('2024-10-29T12:00:00Z') })).tzOffsetMinutes,
    ).toBe(-300);
  });
});

describe('inFileEvidence', () => {
  it('dates a containerd journal by its own logrus `time=` (line 4 says 2022)', () => {
    const sample = [
      'Nov 29 20:55:18 local-test-worker systemd[1]: Starting containerd container runtime...',
      'Nov 29 20:55:18 local-test-worker systemd[1]: Started containerd container runtime.',
      'Nov 29 20:55:18 local-test-worker containerd[179]: time="2022-11-29T20:55:18.462059078Z" level=info msg="starting containerd"',
    ];
    expect(inFileEvidence(sample)).toMatchObject({ year: 2022, offsetMinutes: 0 });
  });

  it("reads klog's `Log file created at` (minikube's Last Start)", () => {
    expect(
      inFileEvidence([
        'Log file created at: 2024/09/17 16:12:14',
        'I0917 16:12:14.134489 7155 out.go:345] x',
      ]),
    ).toMatchObject({
      year: 2024,
      offsetMinutes: null,
    });
  });

  it('says nothing about a file without full dates', () => {
    expect(
      inFileEvidence([
        'Apr 24 03:59:39 kind-control-plane kubelet[109908]: I0424 03:59:39.233928 1 prober.go:178] "HTTP-Probe"',
      ]),
    ).toBeNull();
  });
});
