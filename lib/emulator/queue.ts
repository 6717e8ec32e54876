// The request state machine behind both the queue and the run routes:
//
//   IN_QUEUE --(runner free and queueMs elapsed)--> IN_PROGRESS --(steps done)--> COMPLETED
//      |                                                |
//      +--(cancel / start timeout)--> COMPLETED          +--(cancel honoured at next step)--> COMPLETED
//
// There is no FAILED state: failures end COMPLETED with an Outcome whose response is replayed
// by the result endpoint (wire doc §5.1).
//
// Each model endpoint has its own lane with `runners` concurrent slots. Waiting requests are
// ordered normal-priority first, then by arrival; queue_position is the index in that order.

import { randomUUID } from "node:crypto";
import type { FileStore } from "./files";
import { generateOutput, progressLog } from "./inference";
import { checkInputFiles, type FetchInputUrls } from "./input-files";
import * as outcomes from "./outcomes";
import { SLOW_FACTOR, type Scenario } from "./scenarios";
import type { ModelSpec } from "./schema";
import type { Outcome, RequestLog, ResolvedTiming } from "./types";
import { validateInput } from "./validate";

export type JobStatus = "IN_QUEUE" | "IN_PROGRESS" | "COMPLETED";
export type Priority = "normal" | "low";
export type CancelResult = "CANCELLATION_REQUESTED" | "ALREADY_COMPLETED" | "NOT_FOUND";

export interface SubmitParams {
  model: ModelSpec;
  /** `[ns/]owner/alias`: what status/result/cancel URLs are built from. */
  appId: string;
  /** Parsed JSON body; undefined when the request had none. */
  input: unknown;
  priority: Priority;
  scenarios: Set<Scenario>;
  /** Origin as the client addressed us (from the Host header), so returned URLs point back correctly. */
  origin: string;
  /** From x-fal-request-timeout: the request fails with a 504 if it has not started by then. */
  startTimeoutMs?: number;
  webhookUrl?: string;
}

export interface Job {
  readonly id: string;
  readonly model: ModelSpec;
  readonly appId: string;
  readonly input: unknown;
  readonly priority: Priority;
  readonly scenarios: ReadonlySet<Scenario>;
  readonly origin: string;
  readonly webhookUrl?: string;
  readonly submittedAt: number;
  status: JobStatus;
  startedAt?: number;
  completedAt?: number;
  /** Every log line so far; status polls show a recent window of it (recentLogs). */
  readonly logs: RequestLog[];
  cancelRequested: boolean;
  /** Set once COMPLETED. */
  outcome?: Outcome;
}

/** Bookkeeping the rest of the emulator does not need to see. */
interface QueuedJob extends Job {
  /** Earliest time a runner may take it (submit + queueMs, longer under `slow`). */
  readonly eligibleAt: number;
  readonly timers: Set<NodeJS.Timeout>;
  readonly listeners: Set<(job: Job) => void>;
}

interface Lane {
  waiting: QueuedJob[];
  running: Set<QueuedJob>;
  wakeTimer?: NodeJS.Timeout;
}

export interface QueueDeps {
  timing: ResolvedTiming;
  files: FileStore;
  maxImageSide: number;
  /** Which input file URLs the app "downloads" before it runs (input-files.ts; default "local"). */
  fetchInputUrls?: FetchInputUrls;
  /** Told about every request once it is COMPLETED (webhook delivery). */
  onCompleted?: (job: Job) => void;
}

/** Completed requests kept for status/result lookups before the oldest are forgotten. */
const MAX_COMPLETED_JOBS = 20_000;

export class JobQueue {
  private readonly jobs = new Map<string, QueuedJob>();
  private readonly completedOrder: string[] = [];
  private readonly lanes = new Map<string, Lane>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private disposed = false;

  constructor(private readonly deps: QueueDeps) {}

  submit(params: SubmitParams): Job {
    const now = Date.now();
    const slow = params.scenarios.has("slow") ? SLOW_FACTOR : 1;
    const job: QueuedJob = {
      id: randomUUID(),
      model: params.model,
      appId: params.appId,
      input: params.input,
      priority: params.priority,
      scenarios: params.scenarios,
      origin: params.origin,
      webhookUrl: params.webhookUrl,
      submittedAt: now,
      status: "IN_QUEUE",
      logs: [],
      cancelRequested: false,
      eligibleAt: now + this.deps.timing.queueMs * slow,
      timers: new Set(),
      listeners: new Set(),
    };
    this.jobs.set(job.id, job);

    const lane = this.lane(job.model.id);
    // normal before low; FIFO within a priority.
    const firstLower = lane.waiting.findIndex((other) => rank(other.priority) > rank(job.priority));
    if (firstLower < 0) lane.waiting.push(job);
    else lane.waiting.splice(firstLower, 0, job);

    if (params.startTimeoutMs !== undefined) {
      this.jobTimer(job, () => {
        if (job.status !== "IN_QUEUE") return;
        this.removeFromWaiting(job);
        this.finish(job, outcomes.startTimeout());
      }, params.startTimeoutMs);
    }
    // Not synchronous: the submit response always reports IN_QUEUE, as fal's does.
    this.later(() => this.pump(lane), 0);
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** How many requests are ahead of this one (0-based); 0 once it has left the queue. */
  position(job: Job): number {
    const index = this.lane(job.model.id).waiting.indexOf(job as QueuedJob);
    return index < 0 ? 0 : index;
  }

  /** The sliding window of logs a status poll shows. */
  recentLogs(job: Job): RequestLog[] {
    const cutoff = Date.now() - this.deps.timing.logWindowMs;
    return job.logs.filter((log) => Date.parse(log.timestamp) >= cutoff);
  }

  cancel(id: string): CancelResult {
    const job = this.jobs.get(id);
    if (!job) return "NOT_FOUND";
    if (job.status === "COMPLETED") return "ALREADY_COMPLETED";
    if (job.status === "IN_QUEUE") {
      this.removeFromWaiting(job);
      this.finish(job, outcomes.cancelled());
    } else {
      // The running "app" checks this flag at its next step (unless scenario ignore-cancel).
      job.cancelRequested = true;
    }
    return "CANCELLATION_REQUESTED";
  }

  /** Call `listener` after every change to the job (status, logs, position). Returns an unsubscribe function. */
  subscribe(job: Job, listener: (job: Job) => void): () => void {
    const queued = job as QueuedJob;
    queued.listeners.add(listener);
    return () => queued.listeners.delete(listener);
  }

  /** Stop every timer; pending requests stay where they are. */
  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  // ---- scheduling ----

  private lane(modelId: string): Lane {
    let lane = this.lanes.get(modelId);
    if (!lane) {
      lane = { waiting: [], running: new Set() };
      this.lanes.set(modelId, lane);
    }
    return lane;
  }

  /** Start every eligible waiting request a free runner can take, then sleep until the next becomes eligible. */
  private pump(lane: Lane): void {
    if (this.disposed) return;
    let started = false;
    while (lane.running.size < this.deps.timing.runners) {
      const now = Date.now();
      const index = lane.waiting.findIndex((job) => job.eligibleAt <= now);
      if (index < 0) break;
      const [job] = lane.waiting.splice(index, 1);
      started = true;
      this.start(job, lane);
    }
    if (lane.wakeTimer) {
      this.clearTimer(lane.wakeTimer);
      lane.wakeTimer = undefined;
    }
    if (lane.waiting.length > 0 && lane.running.size < this.deps.timing.runners) {
      // A loop, not Math.min(...spread): benchmark queues can be deep enough to overflow the stack.
      let nextEligible = Infinity;
      for (const job of lane.waiting) nextEligible = Math.min(nextEligible, job.eligibleAt);
      lane.wakeTimer = this.later(() => this.pump(lane), Math.max(0, nextEligible - Date.now()));
    }
    // Everyone still waiting moved up.
    if (started) for (const job of lane.waiting) this.notify(job);
  }

  private removeFromWaiting(job: QueuedJob): void {
    const lane = this.lane(job.model.id);
    const index = lane.waiting.indexOf(job);
    if (index < 0) return;
    lane.waiting.splice(index, 1);
    for (const other of lane.waiting.slice(index)) this.notify(other);
  }

  // ---- the simulated app ----

  private start(job: QueuedJob, lane: Lane): void {
    job.status = "IN_PROGRESS";
    job.startedAt = Date.now();
    lane.running.add(job);
    this.notify(job);

    // The app validates its input first and answers 422 straight away.
    const validation = validateInput(job.model.input, job.input);
    if (!validation.ok) {
      this.finish(job, outcomes.validationFailed(validation.issues));
      return;
    }

    const { steps } = this.deps.timing;
    const stepMs = this.deps.timing.stepMs * (job.scenarios.has("slow") ? SLOW_FACTOR : 1);
    const failAtStep = Math.max(1, Math.ceil(steps / 2));
    this.log(job, progressLog.start(job.model));
    this.log(job, progressLog.ready(steps));

    const runStep = (step: number): void => {
      if (job.status !== "IN_PROGRESS") return;
      if (job.cancelRequested && !job.scenarios.has("ignore-cancel")) {
        this.log(job, "Cancellation requested, stopping", "WARN");
        this.finish(job, outcomes.cancelled());
        return;
      }
      if (step <= steps) this.log(job, progressLog.step(step, steps));
      if (step >= failAtStep && job.scenarios.has("fail-500")) {
        this.log(job, "RuntimeError: CUDA error: an illegal memory access was encountered", "ERROR");
        this.finish(job, outcomes.internalServerError());
        return;
      }
      if (step >= failAtStep && job.scenarios.has("fail-503")) {
        this.finish(job, outcomes.runnerDisconnected());
        return;
      }
      if (step >= steps) {
        this.finish(job, this.produce(job, validation.value));
        return;
      }
      this.jobTimer(job, () => runStep(step + 1), stepMs);
    };
    // The app downloads its input files before the first step: 422 file_download_error if it cannot.
    const files = { files: this.deps.files, mode: this.deps.fetchInputUrls ?? "local", origin: job.origin };
    void checkInputFiles(job.model, validation.value, files).then((issues) => {
      if (job.status !== "IN_PROGRESS" || this.disposed) return;
      if (issues.length > 0) {
        this.log(job, `Failed to download ${String(issues[0].input)}`, "ERROR");
        this.finish(job, outcomes.validationFailed(issues));
        return;
      }
      this.jobTimer(job, () => runStep(1), stepMs);
    });
  }

  private produce(job: QueuedJob, input: Record<string, unknown>): Outcome {
    const seconds = (Date.now() - (job.startedAt ?? Date.now())) / 1000;
    if (job.scenarios.has("fail-422")) return outcomes.contentPolicyViolation(input.prompt);
    try {
      const output = generateOutput(job.model, input, {
        files: this.deps.files,
        cdnBase: `${job.origin}/cdn`,
        maxImageSide: this.deps.maxImageSide,
        flagNsfw: job.scenarios.has("nsfw"),
        inferenceSeconds: seconds,
      });
      const count = Array.isArray(output.images) ? output.images.length : 0;
      this.log(job, progressLog.done(count, seconds));
      return outcomes.success(output);
    } catch (error) {
      // A bug in the emulator's generator should look like an app crash, not take the server down.
      this.log(job, `Unhandled exception: ${(error as Error).message}`, "ERROR");
      return outcomes.internalServerError();
    }
  }

  private finish(job: QueuedJob, outcome: Outcome): void {
    if (job.status === "COMPLETED") return;
    job.status = "COMPLETED";
    job.completedAt = Date.now();
    job.outcome = outcome;
    for (const timer of job.timers) this.clearTimer(timer);
    job.timers.clear();

    const lane = this.lane(job.model.id);
    const wasRunning = lane.running.delete(job);
    this.notify(job);
    this.deps.onCompleted?.(job);
    this.rememberCompleted(job.id);
    if (wasRunning) this.pump(lane);
  }

  private rememberCompleted(id: string): void {
    this.completedOrder.push(id);
    while (this.completedOrder.length > MAX_COMPLETED_JOBS) {
      const oldest = this.completedOrder.shift();
      if (oldest !== undefined) this.jobs.delete(oldest);
    }
  }

  private log(job: QueuedJob, message: string, level: RequestLog["level"] = "INFO"): void {
    job.logs.push({ message, level, source: "USER", timestamp: new Date().toISOString() });
    this.notify(job);
  }

  private notify(job: QueuedJob): void {
    for (const listener of [...job.listeners]) {
      try {
        listener(job);
      } catch {
        // A broken listener must not break the state machine.
      }
    }
  }

  // ---- timers (all tracked so dispose() can stop them) ----

  private later(fn: () => void, ms: number): NodeJS.Timeout | undefined {
    if (this.disposed) return undefined;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private jobTimer(job: QueuedJob, fn: () => void, ms: number): void {
    const timer = this.later(() => {
      if (timer) job.timers.delete(timer);
      fn();
    }, ms);
    if (timer) job.timers.add(timer);
  }

  private clearTimer(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }
}

function rank(priority: Priority): number {
  return priority === "normal" ? 0 : 1;
}
