export * from './types.js';
export {
  normaliseAgencyName,
  stripPlaceQualifiers,
  keySimilarity,
  type PlaceQualifiers,
} from './normalise.js';
export {
  AgencyDirectory,
  InvalidAgencyDirectoryError,
  type AgencyCandidate,
  type AgencyGroupCandidate,
  type AgencyResolution,
  type AgencyDirectoryInput,
  type AgencySearchHit,
  type ResolveOptions,
  type SearchOptions,
} from './directory.js';
export {
  createSeedDirectory,
  SEED_AGENCIES,
  SEED_GROUPS,
  SEED_JURISDICTIONS,
  LAI_CHAU_AGENCIES,
  LAI_CHAU_GROUPS,
  LANG_SON_AGENCIES,
  LANG_SON_CITY_AGENCIES,
  LANG_SON_CITY_GROUPS,
} from './seed/index.js';
export * as agencyHeads from './heads/agency-head.decider.js';
export {
  agencyStreamId,
  AgencyDecisionError,
  headOn,
  type AgencyActor,
  type AgencyCommand,
  type AgencyEvent,
  type AgencyHeadTerm,
  type AgencyState,
  type RecordAgencyHead,
} from './heads/agency-head.decider.js';
export * from './directory-events/directory.events.js';
export {
  directoryFromEvents,
  directoryInputOf,
  evolveDirectory,
  foldDirectory,
  initialDirectoryState,
  type DirectoryState,
} from './directory-events/directory.fold.js';
export {
  planDirectoryImport,
  MAX_DIRECTORY_RECORDS,
  type DirectoryFileError,
  type DirectoryImportPlan,
  type DirectoryImportSummary,
} from './directory-events/directory-file.js';
export * from './reorganisation/reorganisation.types.js';
export {
  draftReorganisation,
  passedText,
  ReorganisationError,
  reorganisationErrorKinds,
  successionsOf,
  withDecisions,
  type DirectoryView,
  type ReorganisationErrorCode,
  type ReorganisationWorld,
} from './reorganisation/reorganisation.decider.js';
