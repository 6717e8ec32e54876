// Whole-call timeouts (`callTimeout`): one deadline per public call, shared by every request the
// call makes (an upload's initiate, parts and complete; a batch of downloads). Each native request
// gets the time that is left as its spec `timeout`; the native side enforces it (cancelling the
// transfer) and ends the request with an "error" record (code ETIMEDOUT, reason "timeout"). A
// request that would start after the deadline gets the same record at once. Either way the call
// rejects with the TransportError settleRecord composes from that record: one rule, one message.
import type { NativeRequestSpec } from "./binding";
import type { Engine, TransferProgressRecord } from "./engine";
import { nativeTimeout } from "./spec";
import { timeoutRecord, type CallInfo, type FinalRecord } from "./settle";

export class Deadline {
  /** The request in flight (or last made), named by the timeout error. */
  current: CallInfo;
  private readonly expiresAt: number;

  /** `ms`: the whole-call limit (0 or undefined: none), counted from now. */
  constructor(
    readonly ms: number,
    call: CallInfo,
  ) {
    this.current = call;
    this.expiresAt = ms > 0 ? Date.now() + ms : Infinity;
  }

  /** Milliseconds left (Infinity without a limit). */
  remaining(): number {
    return this.expiresAt - Date.now();
  }

  /** Whether the deadline has passed. */
  get expired(): boolean {
    return this.remaining() <= 0;
  }

  /** The record a call ends with when this deadline passed. */
  record(): FinalRecord {
    return timeoutRecord(this.current, this.ms);
  }

  /**
   * One native request within the deadline: the spec gets the time left as its `timeout`; an
   * expiry resolves with the whole-call timeout record (naming this call's limit, not what was
   * left of it).
   */
  async request(
    engine: Engine,
    spec: NativeRequestSpec,
    call: CallInfo,
    signal: AbortSignal | undefined,
    onProgress?: (record: TransferProgressRecord) => void,
  ): Promise<FinalRecord> {
    this.current = call;
    if (this.ms > 0) {
      const left = this.remaining();
      if (left <= 0) return this.record();
      spec.timeout = nativeTimeout(left);
    }
    const record = await engine.request(spec, signal, onProgress);
    if (record.type === "error" && record.reason === "timeout" && this.ms > 0) return this.record();
    return record;
  }
}
