// Queue progress on stderr while a request waits and runs.
//
// On a terminal: one line redrawn in place ("\r" + erase line) with the status, the queue
// position and the elapsed time, ticking every 100 ms; log lines are printed above it.
// Elsewhere (pipes, files, CI logs): plain lines, one per change, easy to grep:
//
//   request 5f1c...
//   status IN_QUEUE position=2 elapsed=0.1s
//   status IN_PROGRESS elapsed=0.4s
//   log step 1/8
//   status COMPLETED elapsed=1.6s
import type { QueueStatus, RequestLog } from "../../types/common";

export interface QueueProgress {
  enqueued(requestId: string): void;
  update(status: QueueStatus): void;
  /** Stops the display; on a terminal `summary` replaces the live line. */
  end(summary: string): void;
}

export interface ProgressStream {
  write(text: string): unknown;
  columns?: number;
}

export interface ProgressOptions {
  /** Redraw one line in place (a terminal) instead of printing plain lines. */
  tty: boolean;
  /** What is being waited for, shown on the live line (e.g. the endpoint id). */
  label: string;
  now?: () => number;
  /** Redraw period on a terminal; 0 disables the timer (tests drive redraws through updates). */
  tickMs?: number;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const ERASE_LINE = "\r\x1b[2K";

export function createQueueProgress(stream: ProgressStream, options: ProgressOptions): QueueProgress {
  return options.tty ? new TtyProgress(stream, options) : new PlainProgress(stream, options);
}

/** A silent progress, for --quiet. */
export const NO_PROGRESS: QueueProgress = { enqueued() {}, update() {}, end() {} };

/** fal returns the logs of a recent window with every status: print each entry once. */
class LogDedupe {
  private readonly seen = new Set<string>();
  fresh(logs: RequestLog[] | null | undefined): RequestLog[] {
    if (!Array.isArray(logs)) return [];
    return logs.filter((log) => {
      const key = `${log.timestamp}\u0000${log.level}\u0000${log.message}`;
      if (this.seen.has(key)) return false;
      this.seen.add(key);
      return true;
    });
  }
}

function elapsedSeconds(start: number, now: number): string {
  return `${((now - start) / 1000).toFixed(1)}s`;
}

function positionOf(status: QueueStatus): number | undefined {
  const position = (status as { queue_position?: unknown }).queue_position;
  return typeof position === "number" ? position : undefined;
}

function logsOf(status: QueueStatus): RequestLog[] | undefined {
  return (status as { logs?: RequestLog[] }).logs;
}

class PlainProgress implements QueueProgress {
  private readonly start: number;
  private readonly now: () => number;
  private readonly logs = new LogDedupe();
  private last = "";

  constructor(private readonly stream: ProgressStream, options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.start = this.now();
  }

  enqueued(requestId: string): void {
    this.stream.write(`request ${requestId}\n`);
  }

  update(status: QueueStatus): void {
    const position = positionOf(status);
    const state = `${status.status}${position !== undefined ? ` position=${position}` : ""}`;
    const printLogs = () => {
      for (const log of this.logs.fresh(logsOf(status))) this.stream.write(`log ${log.message}\n`);
    };
    // Logs that arrive with COMPLETED were written before it; those with IN_PROGRESS after the start.
    if (status.status === "COMPLETED") printLogs();
    if (state !== this.last) {
      this.last = state;
      this.stream.write(`status ${state} elapsed=${elapsedSeconds(this.start, this.now())}\n`);
    }
    if (status.status !== "COMPLETED") printLogs();
  }

  end(): void {}
}

class TtyProgress implements QueueProgress {
  private readonly start: number;
  private readonly now: () => number;
  private readonly logs = new LogDedupe();
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private state = "submitting";
  private requestId = "";
  private frame = 0;
  private ended = false;

  constructor(private readonly stream: ProgressStream, private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.start = this.now();
    const tick = options.tickMs ?? 100;
    if (tick > 0) {
      this.timer = setInterval(() => this.draw(), tick);
      this.timer.unref?.(); // never keeps the process alive on its own
    }
    this.draw();
  }

  enqueued(requestId: string): void {
    this.requestId = requestId;
    this.state = "in queue";
    this.draw();
  }

  update(status: QueueStatus): void {
    if (this.ended) return;
    const position = positionOf(status);
    this.state =
      status.status === "IN_QUEUE"
        ? `IN_QUEUE position ${position ?? "?"}`
        : status.status === "IN_PROGRESS"
          ? "IN_PROGRESS"
          : status.status;
    for (const log of this.logs.fresh(logsOf(status))) {
      this.stream.write(`${ERASE_LINE}  ${log.message}\n`);
    }
    this.draw();
  }

  end(summary: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer) clearInterval(this.timer);
    this.stream.write(`${ERASE_LINE}${summary} (${elapsedSeconds(this.start, this.now())})\n`);
  }

  private draw(): void {
    if (this.ended) return;
    this.frame = (this.frame + 1) % SPINNER.length;
    const parts = [`${SPINNER[this.frame]} ${this.options.label}`, this.state, elapsedSeconds(this.start, this.now())];
    if (this.requestId) parts.push(this.requestId);
    let line = parts.join("  ");
    const width = this.stream.columns;
    if (typeof width === "number" && width > 1 && line.length > width - 1) line = line.slice(0, width - 1);
    this.stream.write(`${ERASE_LINE}${line}`);
  }
}
