// Type guards for queue statuses, exactly as the official ones: they return the value of the last
// operand they evaluated (the `response_url` itself for a status), not a boolean, and code may
// rely on that.
import type { CompletedQueueStatus, QueueStatus } from "../../types/common";

export function isQueueStatus(obj: any): obj is QueueStatus {
  return obj && obj.status && obj.response_url;
}

export function isCompletedQueueStatus(obj: any): obj is CompletedQueueStatus {
  return isQueueStatus(obj) && obj.status === "COMPLETED";
}
