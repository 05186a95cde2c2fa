import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TaskState } from '#libs/tasks';

/**
 * The folded state of each task (libs/tasks `evolve`), kept by the runner so that task
 * projections get the state before and after every event without reading the stream.
 */
@Entity({ name: 'projection_task_states' })
export class ProjectionTaskStateRow {
  @PrimaryColumn({ name: 'task_id', type: 'text' })
  taskId!: string;

  /** Version of the task stream's last event folded in. */
  @Column({ name: 'stream_version', type: 'integer' })
  streamVersion!: number;

  @Column({ type: 'jsonb' })
  state!: TaskState;
}
