// Connections shared by `connectionKey`. The official cache is module-global and never shrinks
// (surface doc 10.8); here it belongs to one client, holds only connections that were given a
// key, forgets a connection when it is closed, and past MAX_SHARED_CONNECTIONS drops the oldest
// idle ones.
import type { RealtimeSession } from "./session";

export const MAX_SHARED_CONNECTIONS = 256;

export class SessionCache {
  private readonly sessions = new Map<string, RealtimeSession>();

  get(key: string): RealtimeSession | undefined {
    return this.sessions.get(key);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Registers a session under its key (again, after a close), unless another one holds the key. */
  claim(key: string, session: RealtimeSession): void {
    const holder = this.sessions.get(key);
    if (holder === session) return;
    if (holder !== undefined) return;
    this.sessions.set(key, session);
    this.trim();
  }

  release(key: string, session: RealtimeSession): void {
    if (this.sessions.get(key) === session) this.sessions.delete(key);
  }

  /** Idle sessions hold no socket or timer; forgetting the oldest only ends their sharing. */
  private trim(): void {
    if (this.sessions.size <= MAX_SHARED_CONNECTIONS) return;
    for (const [key, session] of this.sessions) {
      if (this.sessions.size <= MAX_SHARED_CONNECTIONS) break;
      if (session.isIdle) this.sessions.delete(key);
    }
  }
}
