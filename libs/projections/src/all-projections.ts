import type { Projection } from './framework/projection.js';
import { ProjectionCheckpointRow } from './framework/projection-checkpoint.entity.js';
import { ProjectionTaskStateRow } from './framework/task-state.entity.js';
import { deadlineTimersProjection } from './deadlines/deadline-timers.projection.js';
import { outstandingTasksProjection } from './outstanding-tasks/outstanding-tasks.projection.js';
import { agencyIntervalsProjection } from './past-state/agency-intervals.js';
import { agencyTasksProjection } from './past-state/agency-tasks.projection.js';
import { planProgressProjection } from './plan-progress/plan-progress.projection.js';
import { plansProjection } from './plans/plans.projection.js';
import { responsibilitiesProjection } from './responsibilities/responsibilities.projection.js';
import { taskTrailProjection } from './task-trail/task-trail.projection.js';
import { tasksProjection } from './tasks/tasks.projection.js';

/** Every projection of the service, in the order they are applied within a batch. */
export const allProjections: readonly Projection[] = [
  plansProjection,
  tasksProjection,
  responsibilitiesProjection,
  outstandingTasksProjection,
  taskTrailProjection,
  planProgressProjection,
  agencyTasksProjection,
  agencyIntervalsProjection,
  deadlineTimersProjection,
];

/** Every entity a projection DataSource maps: the projections' and the runner's own tables. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const allProjectionEntities: readonly Function[] = [
  ProjectionCheckpointRow,
  ProjectionTaskStateRow,
  ...allProjections.flatMap((projection) => projection.entities),
];
