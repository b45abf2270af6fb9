/**
 * The one way a record batch is reported corrupt: a `corrupt_record` {@link RivuletError} whose
 * message names the file (when known) and the batch's byte position, so an operator can find it.
 */
import { RivuletError } from "../core/errors.ts";

/**
 * Builds the error for a corrupt batch.
 *
 * @param reason what is wrong, e.g. `"CRC mismatch"`
 * @param position the byte position of the batch in its buffer or file
 * @param file the file the bytes came from, when there is one
 * @returns a `corrupt_record` error with `{ file, position }` in its details
 */
export function corruptBatch(reason: string, position: number, file?: string): RivuletError {
  const where = file === undefined ? `at position ${position}` : `in ${file} at position ${position}`;
  return new RivuletError("corrupt_record", `corrupt record batch ${where}: ${reason}`, { file, position });
}
