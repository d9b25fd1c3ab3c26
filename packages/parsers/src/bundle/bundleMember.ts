import { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { DecompressBudget } from './decompressBudget.ts';
import type { BundleEntry } from './types.ts';

/** The few stream methods a member's raw bytes need: satisfied by node streams and tar-stream's streamx entries. */
export interface ByteSource {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  destroy(err?: Error): unknown;
}

export interface MemberSpec {
  path: string;
  size: number | null;
  mtimeMs: number | null;
  /**
   * The member's raw bytes: either already there (a tar entry, which can fail before anyone reads it,
   * so we listen for that at once) or opened on first read (files, zip members), at most once.
   */
  source: ByteSource | (() => Promise<ByteSource>);
  /**
   * True for tar members: the archive can only continue once the member's bytes have been read to
   * their end, so an unopened or abandoned member is drained. Other sources are simply destroyed.
   */
  mustDrain: boolean;
  /** Count the source's own bytes against the budget: zip members, whose bytes come out of inflate. */
  countSource: boolean;
  budget: DecompressBudget;
  /** Turns an error of the raw source into a report line (`truncated archive: …`). */
  describeError(err: Error): string;
}

/** Bytes from the output stream's buffer before we stop reading the source. */
const OUTPUT_HIGH_WATER_MARK = 1024 * 1024;
/** zlib's default of 16 KiB costs a push per 16 KiB; larger chunks keep gunzip off the profile. */
const GUNZIP_CHUNK_SIZE = 256 * 1024;

/**
 * One member of a bundle while it is the current item: hands its bytes to the consumer through
 * `open()`, gunzips them when they start with the gzip magic (rotated `*.log.gz`), counts decompressed
 * bytes against the bundle's budget, and turns anything that goes wrong mid-stream into a reason that
 * `readBundle` reports as a problem item right after the entry.
 *
 * The consumer's stream never errors: on a truncated archive, corrupt gzip or exceeded limit it ends
 * early with the bytes that were good, because a partial log is still worth ingesting and the report
 * line says why it stopped.
 */
export class BundleMember {
  private state: 'new' | 'open' | 'settled' = 'new';
  private mode: 'sniff' | 'plain' | 'gzip' | 'drain' = 'sniff';
  private src: ByteSource | null = null;
  private started = false;
  private out: Readable | null = null;
  private outEnded = false;
  private gunzip: Gunzip | null = null;
  /** Bytes held back until we have the two the gzip magic needs. */
  private head: Buffer | null = null;
  private srcDone = false;
  private readonly srcDoneWaiters: (() => void)[] = [];
  private destroyedByUs = false;
  private failure: string | null = null;

  constructor(private readonly spec: MemberSpec) {
    if (typeof spec.source !== 'function') this.attach(spec.source);
  }

  entry(): BundleEntry {
    return {
      path: this.spec.path,
      size: this.spec.size,
      mtimeMs: this.spec.mtimeMs,
      open: () => this.open(),
    };
  }

  /**
   * Called by `readBundle` when the consumer asks for the next item. A member that was never opened
   * is drained (tar) or skipped; one still being read is abandoned: its stream is destroyed and the
   * rest of its bytes discarded. Resolves, once the source is finished with, to the member's failure.
   */
  async settle(): Promise<string | null> {
    if (this.state === 'settled') return this.failure;
    this.state = 'settled';
    this.abandon();
    if (!this.srcDone && (this.spec.mustDrain || this.started)) {
      await new Promise<void>((resolve) => this.srcDoneWaiters.push(resolve));
    }
    return this.failure;
  }

  private open(): Readable {
    if (this.state !== 'new') {
      throw new Error(
        `bundle entry ${this.spec.path}: open() may be called once, before the next item is requested`,
      );
    }
    this.state = 'open';
    const out = new Readable({
      highWaterMark: OUTPUT_HIGH_WATER_MARK,
      read: () => this.pull(),
      destroy: (err, callback) => {
        this.abandon();
        callback(err);
      },
    });
    this.out = out;
    // The source may already have failed (archive truncated before anyone read this member).
    if (this.outEnded) out.push(null);
    return out;
  }

  private pull(): void {
    if (!this.started) {
      void this.start();
      return;
    }
    if (this.mode === 'gzip') this.gunzip?.resume();
    else this.src?.resume();
  }

  private async start(): Promise<void> {
    this.started = true;
    let src = this.src;
    if (!src) {
      const acquire = this.spec.source;
      if (typeof acquire !== 'function') return;
      try {
        src = await acquire();
      } catch (err) {
        this.onSrcError(asError(err));
        return;
      }
      this.attach(src);
    }
    if (this.srcDone) return;
    if (this.mode === 'drain' && !this.spec.mustDrain) {
      // Abandoned while the source was being opened: nothing to read it for.
      this.stopSource();
      return;
    }
    // A `data` listener starts the flow (node streams and streamx alike).
    src.on('data', (chunk) => this.onData(chunk));
    if (this.mode === 'drain') src.resume();
  }

  private attach(src: ByteSource): void {
    this.src = src;
    src.on('end', () => this.onSrcEnd());
    src.on('error', (err) => this.onSrcError(err));
    src.on('close', () => {
      // A source destroyed by someone else (the archive torn down) never says `end`.
      if (!this.srcDone && !this.destroyedByUs) this.onSrcError(new Error('read interrupted'));
      this.markSrcDone();
    });
  }

  private onData(chunk: Buffer): void {
    switch (this.mode) {
      case 'drain':
        return;
      case 'sniff': {
        const head = this.head ? Buffer.concat([this.head, chunk]) : chunk;
        if (head.length < 2) {
          this.head = head;
          return;
        }
        this.head = null;
        if (head[0] === 0x1f && head[1] === 0x8b) this.startGunzip();
        else this.mode = 'plain';
        this.onData(head);
        return;
      }
      case 'plain':
        this.deliver(chunk, this.spec.countSource, this.src);
        return;
      case 'gzip':
        if (this.gunzip && !this.gunzip.write(chunk)) this.src?.pause();
        return;
    }
  }

  private startGunzip(): void {
    this.mode = 'gzip';
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_SIZE });
    this.gunzip = gunzip;
    gunzip.on('data', (chunk: Buffer) => {
      if (this.mode === 'gzip') this.deliver(chunk, true, gunzip);
    });
    gunzip.on('drain', () => this.src?.resume());
    gunzip.on('end', () => {
      this.finishOut();
      // Bytes after the gzip stream (trailing garbage) are not part of the file.
      if (!this.srcDone) this.stopSource();
    });
    gunzip.on('error', (err: NodeJS.ErrnoException) => {
      if (this.mode !== 'gzip') return;
      this.fail(
        err.code === 'Z_BUF_ERROR'
          ? 'truncated gzip: unexpected end of file'
          : `corrupt gzip: ${err.message}`,
      );
      this.stopSource();
    });
  }

  /** Hands bytes to the consumer, within the budget when they came out of a decompressor. */
  private deliver(chunk: Buffer, counted: boolean, upstream: { pause(): unknown } | null): void {
    let bytes = chunk;
    let overLimit = false;
    if (counted) {
      const fits = this.spec.budget.take(chunk.length);
      if (fits < chunk.length) {
        bytes = chunk.subarray(0, fits);
        overLimit = true;
      }
    }
    if (this.out && !this.outEnded && bytes.length > 0 && !this.out.push(bytes)) upstream?.pause();
    if (overLimit) {
      this.fail(this.spec.budget.reason);
      this.stopSource();
    }
  }

  private onSrcEnd(): void {
    if (this.srcDone) return;
    switch (this.mode) {
      case 'sniff':
        // Fewer than two bytes in all: too short to be gzip.
        this.mode = 'plain';
        if (this.head) this.deliver(this.head, this.spec.countSource, null);
        this.head = null;
        this.finishOut();
        break;
      case 'plain':
        this.finishOut();
        break;
      case 'gzip':
        this.gunzip?.end();
        break;
      case 'drain':
        break;
    }
    this.markSrcDone();
  }

  private onSrcError(err: Error): void {
    if (this.srcDone) return;
    this.fail(this.spec.describeError(err));
    this.stopGunzip();
    this.mode = 'drain';
    this.finishOut();
    this.markSrcDone();
  }

  /** Stops producing output (limit, corrupt gzip, abandoned) and gets rid of the rest of the source. */
  private stopSource(): void {
    this.stopGunzip();
    this.mode = 'drain';
    this.finishOut();
    const src = this.src;
    if (!src || this.srcDone) return;
    if (this.spec.mustDrain) {
      // Nothing may be listening yet (an unopened tar member): give the bytes somewhere to go.
      if (!this.started) {
        this.started = true;
        src.on('data', () => undefined);
      }
      src.resume();
    } else {
      this.destroyedByUs = true;
      src.destroy();
      this.markSrcDone();
    }
  }

  private stopGunzip(): void {
    const gunzip = this.gunzip;
    if (!gunzip) return;
    this.gunzip = null;
    gunzip.removeAllListeners('data');
    gunzip.on('error', () => undefined);
    gunzip.destroy();
  }

  private abandon(): void {
    // The consumer is gone: nothing more may be pushed, and the rest of the source is not wanted.
    if (!this.outEnded) {
      this.outEnded = true;
      if (this.out && !this.out.destroyed) this.out.destroy();
    }
    if (!this.srcDone) this.stopSource();
  }

  /** Ends the consumer's stream (now, or as soon as it is opened). */
  private finishOut(): void {
    if (this.outEnded) return;
    this.outEnded = true;
    this.out?.push(null);
  }

  private fail(reason: string): void {
    this.failure ??= reason;
  }

  private markSrcDone(): void {
    if (this.srcDone) return;
    this.srcDone = true;
    for (const resolve of this.srcDoneWaiters.splice(0)) resolve();
  }
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Wraps a source whose end, error or close may happen before anyone listens (a tar entry failing
 * while the generator is suspended at a `yield`): a late listener for an event that already fired is
 * called once, on a microtask, instead of waiting forever.
 */
export class LateListenableSource implements ByteSource {
  private ended = false;
  private error: Error | null = null;
  private closed = false;

  constructor(private readonly stream: ByteSource) {
    stream.on('end', () => {
      this.ended = true;
    });
    stream.on('error', (err) => {
      this.error = err;
    });
    stream.on('close', () => {
      this.closed = true;
    });
  }

  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'end' | 'close', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'data' | 'end' | 'close' | 'error', listener: (arg: never) => void): this {
    const replay = this.replayFor(event);
    (this.stream.on as (event: string, listener: (arg: never) => void) => unknown)(event, listener);
    if (replay) queueMicrotask(() => listener(replay.arg as never));
    return this;
  }

  private replayFor(event: string): { arg: unknown } | null {
    if (event === 'end' && this.ended) return { arg: undefined };
    if (event === 'error' && this.error) return { arg: this.error };
    if (event === 'close' && this.closed) return { arg: undefined };
    return null;
  }

  pause(): this {
    this.stream.pause();
    return this;
  }

  resume(): this {
    this.stream.resume();
    return this;
  }

  destroy(err?: Error): this {
    this.stream.destroy(err);
    return this;
  }
}
