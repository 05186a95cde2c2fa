export {
  createCoordClient,
  ok,
  ProblemError,
  type AnswerLanguage,
  type CoordClient,
  type CoordClientOptions,
  type Problem,
} from './client.js';
export type { components, operations, paths } from './schema.js';
