import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKlogHeader, parseKlogMessage } from './klogLine.ts';
import { readGoQuoted } from './goQuoted.ts';

const khi = readFileSync(new URL('./fixtures/khi-node-messages.txt', import.meta.url), 'utf8').split('\n');

describe('parseKlogHeader', () => {
  it('reads severity, date, time, caller and message start', () => {
    const line = 'E0610 11:35:40.244334    2617 pod_workers.go:1298] "Error syncing pod" err="boom"';
    const h = parseKlogHeader(line);
    expect(h).toMatchObject({
      severity: 'error',
      month: 6,
      day: 10,
      secondOfDay: 11 * 3600 + 35 * 60 + 40,
      micros: 244334,
      caller: 'pod_workers.go:1298',
    });
    expect(line.slice(h!.messageStart)).toBe('"Error syncing pod" err="boom"');
  });

  it('maps the four severity letters', () => {
    expect(
      ['I', 'W', 'E', 'F'].map((l) => parseKlogHeader(`${l}0101 00:00:00.000000 1 a.go:1] x`)?.severity),
    ).toEqual(['info', 'warning', 'error', 'fatal']);
  });

  it('parses real kubelet lines (khi k8s_node fixtures)', () => {
    const h = parseKlogHeader(khi[3]!);
    expect(h?.caller).toBe('operation_generator.go:637');
    expect(h?.month).toBe(11);
  });

  it('refuses lines that only look similar', () => {
    expect(parseKlogHeader('Info 0610 11:35:40 something')).toBeNull();
    expect(parseKlogHeader('I0610 11:35:40.244334 no-thread-id] x')).toBeNull();
    expect(parseKlogHeader('goroutine 1 [running]:')).toBeNull();
    expect(parseKlogHeader('')).toBeNull();
  });
});

describe('parseKlogMessage', () => {
  it('splits a structured message into msg and key/values', () => {
    const m = parseKlogMessage(
      '"Killing container with a grace period" pod="kube-system/kube-dns-58f547fd74-swzzt" gracePeriod=30 keys=["a","b"]',
    );
    expect(m.msg).toBe('Killing container with a grace period');
    expect(m.fields).toEqual({
      pod: 'kube-system/kube-dns-58f547fd74-swzzt',
      gracePeriod: '30',
      keys: ['a', 'b'],
    });
  });

  it('unescapes quoted values (real kubelet MountVolume line)', () => {
    const line = khi[3]!;
    const m = parseKlogMessage(line.slice(parseKlogHeader(line)!.messageStart));
    expect(m.msg).toContain('MountVolume.SetUp succeeded for volume "kube-dns-config"');
    expect(m.fields).toEqual({ pod: 'kube-system/kube-dns-58f547fd74-swzzt' });
  });

  it('reads the multi-line key=< form', () => {
    const m = parseKlogMessage('"Object dump" obj=<\n\t{\n\t  "a": 1\n\t}\n > after="x"');
    expect(m.fields).toEqual({ obj: '{\n  "a": 1\n}', after: 'x' });
  });

  it('keeps printf text as is, with no fields', () => {
    expect(parseKlogMessage('Finished syncing ReplicaSet "shop/web" (1.2ms)')).toEqual({
      msg: 'Finished syncing ReplicaSet "shop/web" (1.2ms)',
      fields: null,
    });
  });

  it('keeps what it read when pairs stop making sense', () => {
    const m = parseKlogMessage('"msg" a=1 this is not a pair');
    expect(m.fields).toEqual({ a: '1' });
  });
});

describe('readGoQuoted', () => {
  it('handles Go escapes', () => {
    expect(readGoQuoted('"a\\"b\\\\c\\n\\t\\u00e9\\x41"', 0)).toEqual({
      value: 'a"b\\c\n\té' + 'A',
      end: 23,
    });
    expect(readGoQuoted('"unterminated', 0)).toBeNull();
  });
});
