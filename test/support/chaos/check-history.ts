/**
 * Checks a saved chaos history again (`RIVULET_CHAOS_HISTORY=path` keeps one):
 * `node --import tsx test/support/chaos/check-history.ts path` prints the anomaly table and the
 * failover figures, and exits 1 when an anomaly count is not zero.
 */
import { readHistory } from "./history-file.ts";
import { checkHistory, formatCheck } from "./history-checker.ts";
import { failoverStats, formatFailover } from "./failover-stats.ts";

const [path] = process.argv.slice(2);
if (!path) throw new TypeError("usage: check-history.ts <history.jsonl>");
const history = readHistory(path);
const result = checkHistory(history);
console.log(formatCheck(result));
console.log(formatFailover(failoverStats(history)));
process.exit(result.valid ? 0 : 1);
