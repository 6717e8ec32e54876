// The JS side of the native engine: one NativeClient per FalClient, created on first use, with
// record dispatch by the job ids the native client allocates, abort wiring and cleanup. All HTTP goes through here.
import {
  loadAddon,
  type NativeClient,
  type NativeClientOptions,
  type NativeRecord,
  type NativeRequestSpec,
  type NativeStreamSpec,
  type NativeSubscribeSpec,
} from "./binding";
import { abortReason, onAbort } from "../core/abort";
import { ClientNetwork } from "../network/client-network";
import { trustStoreFile } from "../network/trust-file";

export type NativeClientFactory = (
  options: NativeClientOptions,
  onRecords: (records: NativeRecord[]) => void,
) => NativeClient;

export type FinalRecord = Extract<NativeRecord, { type: "response" | "error" | "timeout" | "streamEnd" }>;
export type ProgressRecord = Extract<NativeRecord, { type: "enqueued" | "status" }>;
/** Bytes moved by one plain request with `progress: true` (current attempt). */
export type TransferProgressRecord = Extract<NativeRecord, { type: "progress" }>;
/** What a streaming request delivers before its final record. */
export type StreamRecord = Extract<NativeRecord, { type: "streamHead" | "streamEvents" | "streamChunk" }>;
type InterimRecord = Exclude<NativeRecord, FinalRecord>;

/** A running native stream: its final record, and the back-pressure credit JS hands back. */
export type StreamHandle = {
  finished: Promise<FinalRecord>;
  /** JS consumed `bytes` of delivered events/chunks; the transfer may go on. */
  acknowledge(bytes: number): void;
};

const defaultFactory: NativeClientFactory = (options, onRecords) => {
  const addon = loadAddon();
  const stackOptions = addon.networkStack === "system" && options.caPem ? { ...options, caFile: trustStoreFile(options.caPem) } : options;
  return new addon.Client(stackOptions, onRecords);
};
let factory: NativeClientFactory = defaultFactory;

/**
 * Internal, for tests: replaces how native clients are made (pass undefined to restore the
 * addon). Affects engines that have not created their native client yet. Not a public API.
 */
export function setNativeClientFactory(custom: NativeClientFactory | undefined): void {
  factory = custom ?? defaultFactory;
}

/** What the native client is created with: the trust store, parsed once natively and shared. */
export function nativeClientOptions(network: ClientNetwork): NativeClientOptions {
  const options: NativeClientOptions = { caPem: network.trust().pem };
  if (network.maxConnectionsPerHost !== undefined) options.maxConnectionsPerHost = network.maxConnectionsPerHost;
  return options;
}

const FINAL_TYPES = new Set(["response", "error", "timeout", "streamEnd"]);

// How long records are handed to their jobs in one event-loop turn, and how many between looks at
// the clock (a look costs about as much as handing over a small record).
const DISPATCH_SLICE_MS = 2;
const CLOCK_CHECK_EVERY = 8;

type Job = {
  onRecord(record: NativeRecord): void;
};

// Engines with jobs in flight stay strongly reachable here, so a pending promise can always be
// settled even if the user dropped every reference to the client.
const busyEngines = new Set<Engine>();

// An idle engine nobody references can be collected; then its native client (I/O thread) closes.
const closeOnCollect = new FinalizationRegistry<NativeClient>((native) => native.close());

export class Engine {
  private native: NativeClient | undefined;
  private readonly jobs = new Map<number, Job>();
  /** Records received and not yet handed to their jobs (deliverSlice), from backlogStart on. */
  private backlog: NativeRecord[] = [];
  private backlogStart = 0;

  constructor(readonly network: ClientNetwork = new ClientNetwork()) {}

  /**
   * One HTTP request; resolves with its final record (any status), rejects on abort. With
   * `spec.progress`, `onProgress` sees the "progress" records; if it throws, the request is
   * cancelled and the promise rejects with that error.
   */
  request(spec: NativeRequestSpec, signal?: AbortSignal, onProgress?: (record: TransferProgressRecord) => void): Promise<FinalRecord> {
    spec.proxy = this.network.proxyFor(spec.url);
    return this.start(
      (native) => native.request(spec),
      spec.url,
      signal,
      onProgress && ((record) => {
        if (record.type === "progress") onProgress(record);
      }),
    );
  }

  /**
   * One native subscribe job. `onProgress` sees "enqueued"/"status" records; if it throws, the
   * job is cancelled and the promise rejects with that error.
   */
  subscribe(spec: NativeSubscribeSpec, signal: AbortSignal | undefined, onProgress: (record: ProgressRecord) => void): Promise<FinalRecord> {
    spec.submit.proxy = this.network.proxyFor(spec.submit.url);
    spec.proxy = this.network.proxyFor(spec.requestsPrefix);
    return this.start((native) => native.subscribe(spec), spec.submit.url, signal, (record) => {
      if (record.type === "enqueued" || record.type === "status") onProgress(record);
    });
  }

  /**
   * One streaming request. `onRecord` sees the head, event batches and chunks in order; if it
   * throws, the stream is cancelled and `finished` rejects with that error.
   */
  stream(spec: NativeStreamSpec, signal: AbortSignal | undefined, onRecord: (record: StreamRecord) => void): StreamHandle {
    let jobId = 0;
    spec.request.proxy = this.network.proxyFor(spec.request.url);
    const finished = this.start(
      (native) => (jobId = native.stream(spec)),
      spec.request.url,
      signal,
      (record) => onRecord(record as StreamRecord),
    );
    return {
      finished,
      acknowledge: (bytes) => {
        // Credit for a finished or cancelled job has nowhere to go.
        if (jobId !== 0 && this.jobs.has(jobId)) this.native?.acknowledge(jobId, bytes);
      },
    };
  }

  private client(): NativeClient {
    if (!this.native) {
      // The callback holds the engine weakly, so the native client never keeps it alive.
      const self = new WeakRef(this);
      this.native = factory(nativeClientOptions(this.network), (records) => self.deref()?.dispatch(records));
      closeOnCollect.register(this, this.native);
    }
    return this.native;
  }

  private start(
    begin: (native: NativeClient) => number,
    url: string,
    signal: AbortSignal | undefined,
    onProgress?: (record: InterimRecord) => void,
  ): Promise<FinalRecord> {
    return new Promise<FinalRecord>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const native = this.client();
      // The native client allocates the id (records only arrive asynchronously, so none can be
      // missed before the job is registered below).
      let id: number;
      try {
        id = begin(native);
      } catch (error) {
        reject(error);
        return;
      }
      let detach = () => {};
      const finish = () => {
        detach();
        this.jobs.delete(id);
        if (this.jobs.size === 0) busyEngines.delete(this);
      };
      const fail = (error: unknown) => {
        finish();
        try {
          native.cancel(id);
        } catch {
          // a closed client has nothing left to cancel; the rejection below is what matters
        }
        reject(error);
      };
      this.jobs.set(id, {
        onRecord: (record) => {
          if (FINAL_TYPES.has(record.type)) {
            if (record.type === "error") this.explain(record, url);
            finish();
            resolve(record as FinalRecord);
            return;
          }
          try {
            onProgress?.(record as InterimRecord);
          } catch (error) {
            fail(error);
          }
        },
      });
      busyEngines.add(this);
      // A signal aborted while the spec was read (by one of its getters) cancels at once.
      if (signal?.aborted) {
        fail(abortReason(signal));
        return;
      }
      detach = onAbort(signal, () => fail(abortReason(signal!)));
    });
  }

  /** Notes what the trust store or proxy settings say about a transport failure (settle adds it to the message). */
  private explain(record: Extract<NativeRecord, { type: "error" }>, url: string): void {
    const hint = this.network.explain(record.curlCode, record.code, record.url || url);
    if (hint) record.hint = hint;
  }

  private dispatch(records: NativeRecord[]): void {
    if (this.backlog.length > 0) {
      // Still working through earlier batches: these come after them.
      for (const record of records) this.backlog.push(record);
      return;
    }
    this.backlog = records;
    this.backlogStart = 0;
    this.deliverSlice();
  }

  /**
   * Hands records to their jobs for at most DISPATCH_SLICE_MS, then leaves the rest for the next
   * turn of the event loop. A stream that arrives faster than its handlers run (the I/O thread may
   * hold up to its high-water mark) or thousands of jobs finishing together would otherwise run in
   * one turn, and every timer and socket of the process would wait for it.
   */
  private deliverSlice(): void {
    const records = this.backlog;
    const until = performance.now() + DISPATCH_SLICE_MS;
    let next = this.backlogStart;
    while (next < records.length) {
      const record = records[next++];
      // Records of cancelled jobs may still be in the batch; they have no job any more.
      this.jobs.get(record.id)?.onRecord(record);
      if (next % CLOCK_CHECK_EVERY === 0 && performance.now() >= until) break;
    }
    if (next >= records.length) {
      this.backlog = [];
      return;
    }
    this.backlogStart = next;
    setImmediate(() => this.deliverSlice());
  }
}
