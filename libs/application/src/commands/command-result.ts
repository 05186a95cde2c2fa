/** What every command answers: where its events went in the log. */
export interface CommandResult {
  readonly streamId: string;
  /** The stream's version after the command. */
  readonly streamVersion: number;
  /**
   * Global position of the last event written, as a string (64-bit). Pass it as `minPosition`
   * to a query to read your own write. When the command changed nothing: the position of the
   * stream's last event (the state the answer was decided on), null only for a stream never written.
   */
  readonly position: string | null;
  readonly events: readonly { readonly id: string; readonly type: string; readonly position: string }[];
  /** The task an AssignTask created (chosen by the caller or generated). */
  readonly taskId?: string;
  /** The handoff a RequestHandoff opened (chosen by the caller or generated), for its accept/decline/withdraw. */
  readonly handoffId?: string;
  /** The extension request a RequestExtension opened, for its grant/deny. */
  readonly extensionId?: string;
}

/** Ids a command answers besides where its events went: what the caller needs to name next. */
export type CommandAnswerIds = Pick<CommandResult, 'taskId' | 'handoffId' | 'extensionId'>;
