import { writeSync } from "node:fs";

/**
 * Writes a line to stdout before returning, for child processes whose parent must see each
 * acknowledgement before a kill. The pipe may be non-blocking: when it is full (EAGAIN) the
 * rest is written again until it all went through.
 */
export function writeLineSync(line: string): void {
  let bytes = new TextEncoder().encode(line + "\n");
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(1, bytes));
    } catch (error) {
      if ((error as { code?: string }).code !== "EAGAIN") throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}
