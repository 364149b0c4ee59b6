// What a panel of the page is. Each control feature is one module of this shape, listed in panels/index.ts.

/** What a panel gets from the page. */
export interface Ctx {
  /** Runs a person's action: says what happened (or the API's error) in the status line, then refreshes. */
  act(done: string | ((result: unknown) => string), run: () => Promise<unknown>): Promise<void>;
  /** Reads every panel again now (after a filter or page changed). */
  refresh(): void;
}

export interface Panel<T = unknown> {
  id: string;
  title: string;
  /** Controls that stay while the data below them is drawn again (filters, forms), drawn once. */
  controls?(ctx: Ctx): Node[];
  /** Reads the panel's data: /_emulator routes only, so watching never reaches the instance's journal, limits or faults. */
  load(): Promise<T>;
  /** What of the data decides whether to draw again (default: all of it). */
  fingerprint?(data: T): unknown;
  draw(data: T, ctx: Ctx): Node[];
}

export const definePanel = <T>(panel: Panel<T>): Panel => panel as unknown as Panel;
