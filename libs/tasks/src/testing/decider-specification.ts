/**
 * Given / when / then for pure deciders (after Emmett's DeciderSpecification):
 *
 *   spec.given([TaskAssigned]).when(AcknowledgeTask).then([TaskAcknowledged]);
 *   spec.given([...]).when(...).thenThrows('task.closed');
 *   spec.given([...]).when(...).thenNothing();
 *
 * `given` events are folded with evolve from initialState; `when` runs decide on the result.
 * Uses jest's global `expect`; only test files import it.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export interface DeciderThen<Event, State> {
  /** Asserts the exact events, in order, and returns the state they lead to. */
  then(expected: readonly Event[]): State;
  /** Asserts a refusal with this error code (and, if given, this kind). */
  thenThrows(code: string, kind?: string): void;
  /** Asserts the command is accepted and changes nothing. */
  thenNothing(): void;
}

export interface DeciderSpecification<Command, Event, State> {
  given(events: readonly Event[]): { when(command: Command): DeciderThen<Event, State> };
}

export function deciderSpecification<Command, Event, State>(
  decider: Decider<Command, Event, State>,
): DeciderSpecification<Command, Event, State> {
  return {
    given(history) {
      const before = history.reduce((state, event) => decider.evolve(state, event), decider.initialState());
      return {
        when(command) {
          const run = () => decider.decide(command, before);
          return {
            then(expected) {
              const events = run();
              expect(events).toEqual(expected);
              return events.reduce((state, event) => decider.evolve(state, event), before);
            },
            thenThrows(code, kind) {
              let events: Event[];
              try {
                events = run();
              } catch (error) {
                expect(error).toBeInstanceOf(Error);
                const { code: actualCode, kind: actualKind } = error as { code?: unknown; kind?: unknown };
                expect(actualCode).toBe(code);
                if (kind !== undefined) expect(actualKind).toBe(kind);
                return;
              }
              throw new Error(
                `Expected a refusal '${code}', but the decider emitted ${JSON.stringify(events)}`,
              );
            },
            thenNothing() {
              expect(run()).toEqual([]);
            },
          };
        },
      };
    },
  };
}

/**
 * Runs commands one after another against an in-memory stream, for scenario tests that check the
 * state after every step.
 */
export function inMemoryStream<Command, Event, State>(decider: Decider<Command, Event, State>) {
  const events: Event[] = [];
  let state = decider.initialState();
  return {
    /** Decides, appends and returns the new events; throws what decide throws. */
    handle(command: Command): Event[] {
      const produced = decider.decide(command, state);
      for (const event of produced) {
        events.push(event);
        state = decider.evolve(state, event);
      }
      return produced;
    },
    get state(): State {
      return state;
    },
    get events(): readonly Event[] {
      return events;
    },
  };
}
