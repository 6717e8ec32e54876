// Type guards for queue statuses (the official ones test `status` and `response_url`).
import type { CompletedQueueStatus, QueueStatus } from "../types/common";

export function isQueueStatus(obj: any): obj is QueueStatus {
  return !!(obj && obj.status && obj.response_url);
}

export function isCompletedQueueStatus(obj: any): obj is CompletedQueueStatus {
  return isQueueStatus(obj) && obj.status === "COMPLETED";
}
