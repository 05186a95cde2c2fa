/** What every command answers (see libs/application). */
export type { CommandResult } from '#libs/application';
