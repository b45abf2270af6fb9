/**
 * A small DSL topology for the console's processors view: per customer of the topic `orders`
 * (JSON values `{ amount }`), the number of orders with a positive amount and their total, in
 * the store `totals`, each update written to `order-totals`.
 */
import { serde, topology } from "../../../processors/streams.ts";

export default topology("console-orders", (t) => {
  t.stream("orders", { key: serde.string, value: serde.json<{ amount: number }>() })
    .filter((_customer, order) => order.amount > 0)
    .groupByKey()
    .aggregate(() => ({ orders: 0, total: 0 }), (_customer, order, sum) => ({ orders: sum.orders + 1, total: sum.total + order.amount }), { store: "totals" })
    .toStream()
    .to("order-totals");
});
