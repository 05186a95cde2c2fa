export * from './database/projection-data-source.js';
export * from './database/projection-migrations.js';
export { projectionSchema } from './database/schema.js';
export { isoTimestamp } from './database/columns.js';

export * from './framework/projection.js';
export * from './framework/projection-runner.js';
export * from './framework/shadow-rebuild.js';
export * from './framework/projection-checkpoint.entity.js';
export * from './framework/task-state.entity.js';
export { TASK_STATE_VERSION } from './framework/task-state-store.js';
export * from './framework/deadlines.js';
export * from './framework/paging.js';
export { applyTaskRowSet, type TaskRowSet } from './framework/task-row-set.js';

export * from './all-projections.js';

export * from './plans/plan.entity.js';
export * from './plans/plans.evolve.js';
export * from './plans/plans.projection.js';
export * from './plans/plans.query.js';
export * from './plans/plan-indicators.query.js';

export * from './tasks/task.entity.js';
export * from './tasks/tasks.evolve.js';
export * from './tasks/tasks.projection.js';
export * from './tasks/tasks.query.js';

export * from './responsibilities/responsibility.entity.js';
export * from './responsibilities/responsibilities.evolve.js';
export * from './responsibilities/responsibilities.projection.js';
export * from './responsibilities/responsibilities.query.js';

export * from './outstanding-tasks/outstanding-states.js';
export * from './outstanding-tasks/outstanding-task.entity.js';
export * from './outstanding-tasks/outstanding-tasks.evolve.js';
export * from './outstanding-tasks/outstanding-tasks.projection.js';
export * from './outstanding-tasks/outstanding-tasks.query.js';

export * from './task-trail/trail-entry.entity.js';
export * from './task-trail/task-trail.evolve.js';
export * from './task-trail/task-trail.projection.js';
export * from './task-trail/task-trail.query.js';

export * from './plan-progress/progress-states.js';
export * from './plan-progress/plan-progress.entity.js';
export * from './plan-progress/plan-progress.evolve.js';
export * from './plan-progress/plan-progress.projection.js';
export * from './plan-progress/plan-progress.query.js';

export * from './past-state/agency-task.entity.js';
export * from './past-state/agency-interval.entity.js';
export * from './past-state/agency-intervals.js';
export * from './past-state/agency-tasks.projection.js';
export * from './past-state/past-state.js';
export * from './past-state/past-queries.js';
export * from './deadlines/deadline-timers.projection.js';
export * from './deadlines/accountability.query.js';
export * from './deadlines/reporting.query.js';
export * from './reorganisation/reorganisation-reads.query.js';
