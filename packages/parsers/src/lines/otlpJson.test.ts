import { describe, expect, it } from 'vitest';
import { anyValue, normaliseId, otlpSpans } from './otlpJson.ts';
import { otlpDoc } from './fixtures/otlpDoc.ts';

describe('OTLP/JSON', () => {
  it('flattens AnyValues', () => {
    expect(anyValue({ intValue: '42' })).toBe(42);
    expect(anyValue({ kvlistValue: { values: [{ key: 'a', value: { doubleValue: 1.5 } }] } })).toEqual({
      a: 1.5,
    });
  });

  it('normalises hex and base64 ids to lowercase hex', () => {
    expect(normaliseId('5B8EFFF798038103D269B633813FC60C', 16)).toBe('5b8efff798038103d269b633813fc60c');
    expect(normaliseId('W47/95gDgQPSabYzgT/GDA==', 16)).toBe('5b8efff798038103d269b633813fc60c');
    expect(normaliseId('', 8)).toBeNull();
    expect(normaliseId('0000000000000000', 8)).toBeNull();
  });

  it('reads spans with component, node, audit id, status and events', () => {
    const problems: string[] = [];
    const spans = otlpSpans(otlpDoc, problems);
    expect(spans).toHaveLength(2);
    expect(problems).toEqual(['span "broken": missing trace/span id or start time']);
    expect(spans[0]).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      parentSpanId: null,
      service: 'apiserver',
      component: 'kube-apiserver',
      node: 'cp-1',
      start: 1718019340100000000n,
      end: 1718019340120000000n,
      statusCode: 'ok',
      auditId: 'a-1',
      attributes: { 'audit-id': 'a-1', 'http.status_code': 201, tags: ['x', true] },
      events: [{ name: 'About to write a response', ts: 1718019340110000000n, attributes: {} }],
    });
    expect(spans[1]).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      parentSpanId: 'eee19b7ec3c1b174',
      statusCode: 'error',
      statusMessage: 'deadline',
    });
  });
});
