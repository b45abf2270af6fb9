/** An error the CLI reports as one line on stderr, with an exit code. */
export class CliError extends Error {
  override name = "CliError";
  readonly exitCode: number;
  /**
   * @param message what went wrong, for people
   * @param exitCode 2 for usage errors, 1 for everything else
   */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
