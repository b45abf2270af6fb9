/**
 * DELETE: removes a stream and its data (204). While forks still read its data, the stream is
 * soft-deleted instead: it answers 410 and its path stays taken until the last fork is gone.
 */
import type { StreamsContext } from "./options.ts";

/**
 * Handles a DELETE.
 *
 * @returns 204, or a refusal (404 unknown, 410 already soft-deleted)
 */
export function handleDelete(ctx: StreamsContext, path: string): Promise<Response> {
  return ctx.registry.locks.run(path, async () => {
    const state = await ctx.registry.access(path, { touch: false, locked: true });
    await ctx.registry.remove(state);
    return new Response(null, { status: 204 });
  });
}
