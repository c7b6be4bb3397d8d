/** The shapes `@tasker/http` answers with (snake_case, as on the wire). */

export type TaskState =
  | 'pending'
  | 'in_progress'
  | 'compensating'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'resolved_manually'
  | 'compensation_failed';

export const TASK_STATES: readonly TaskState[] = [
  'pending',
  'in_progress',
  'compensating',
  'completed',
  'failed',
  'cancelled',
  'resolved_manually',
  'compensation_failed',
];

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface TaskSummary {
  task_id: string;
  namespace: string;
  name: string;
  version: string;
  current_state: TaskState;
  correlation_id: string;
  initiator: string | null;
  reason: string | null;
  tags: string[];
  error_message: string | null;
  /** When the task fails with DEADLINE_EXCEEDED unless finished; null without a deadline. */
  deadline_at: string | null;
  created_at: string | null;
  updated_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
}

export interface Step {
  name: string;
  handler: string;
  depends_on: string[];
  dependent_system: string | null;
  current_state: string;
  attempts: number;
  attempts_left: number;
  retryable: boolean;
  retry_limit: number;
  timeout_ms: number | null;
  results: JsonValue;
  error_message: string | null;
  error_code: string | null;
  error_stack: string | null;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
  next_retry_at: string | null;
  /** What a `waiting` step waits for: a signal (until its timeout, when it has one), or a time. */
  waiting_for: { signal: string | null; until: string | null } | null;
  /** A map step's items by state; null for other steps. */
  items: ItemCounts | null;
}

/** How many of a map step's items are in each state, and in all. */
export interface ItemCounts {
  total: number;
  in_progress: number;
  waiting_for_retry: number;
  completed: number;
  failed: number;
}

export interface HistoryEntry {
  step_name: string | null;
  from_state: string;
  to_state: string;
  attempt: number | null;
  error_message: string | null;
  error_code: string | null;
  error_stack: string | null;
  by: string;
  reason: string | null;
  at: string | null;
}

export interface Task extends TaskSummary {
  trace_id?: string | null;
  context: Record<string, JsonValue>;
  workflow_steps: Step[];
  annotations: Array<{ annotation_type: string; content: JsonValue; created_at: string | null }>;
  history: HistoryEntry[];
}

export interface TaskPage {
  tasks: TaskSummary[];
  next_cursor: string | null;
}

export interface HealthStatus {
  window: string;
  tasks_by_state: Record<TaskState, number>;
  engine?: { worker_id: string; active_tasks: number; held_leases: number };
  waiting_tasks?: number;
  workers?: Array<{ worker_id: string; leases: number; first_lease_expiry: string | null }>;
}

export interface DurationStats {
  count: number;
  avg: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface PeriodPerformance {
  tasks_created: number;
  tasks_completed: number;
  tasks_failed: number;
  throughput_per_hour: number;
  completion_rate: number | null;
  error_rate: number | null;
  health_score: number | null;
  task_duration_ms: DurationStats;
}

export interface Performance {
  system_health_score: number | null;
  periods: Record<string, PeriodPerformance>;
}

export interface StepBottleneck {
  namespace: string;
  task_name: string;
  step_name: string;
  executions: number;
  duration_ms: DurationStats;
  attempts: number;
  retries: number;
  retry_rate: number | null;
  failures: number;
  most_common_errors: Array<{ code: string; message: string; count: number }>;
}

export interface Bottlenecks {
  tasks_analyzed: number;
  slowest_steps: StepBottleneck[];
}

export interface TemplateStep {
  name: string;
  handler: string;
  description: string | null;
  depends_on: string[];
  retry_limit: number | null;
  timeout_ms: number | null;
  skippable: boolean;
  compensate: { handler: string } | null;
}

export interface TemplateDetail {
  namespace: string;
  name: string;
  version: string;
  key: string;
  description: string | null;
  task_handler: string | null;
  versions: string[];
  context_schema: JsonValue;
  steps: TemplateStep[];
}

export interface TemplateListing {
  namespace: string;
  templates: Array<{ name: string; description: string | null; latest_version: string; versions: string[] }>;
}

export interface Handler {
  name: string;
  kind: string;
  used_by: string[];
}

/** An event of `GET /events` (`data:`), the fields the dashboard reads. */
export interface EngineEventData {
  type: string;
  task_id: string;
  namespace: string;
  task_name: string;
  step_name?: string | null;
  to_state?: string;
}
