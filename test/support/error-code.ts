import { isRivuletError } from "../../core/errors.ts";

/** Settles `promise` and gives `"ok"`, the RivuletError's code, or the error as a string. */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return isRivuletError(error) ? error.code : String(error);
  }
}
