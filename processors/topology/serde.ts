import { decode as cborDecode, encode as cborEncode } from "cbor-x";
import { RivuletError } from "../../core/errors.ts";
import { topologyError } from "./topology-error.ts";
import { utf8Decode, utf8Encode } from "./utf8.ts";

/**
 * Turns values into bytes and back. A `null` key or value never reaches a serde: it stays
 * `null` (a table tombstone, a keyless record).
 */
export interface Serde<T> {
  /** A short name, shown in errors. */
  readonly name: string;
  /** @throws {RivuletError} `invalid_record` when the value does not fit the serde. */
  serialize(value: T): Uint8Array;
  deserialize(bytes: Uint8Array): T;
}

/** A record's key and value serdes, as `stream`, `to` and `groupBy` take them. */
export interface Serdes<K, V> {
  key?: Serde<K>;
  value?: Serde<V>;
}


const string: Serde<string> = {
  name: "string",
  serialize(value) {
    if (typeof value !== "string") throw new RivuletError("invalid_record", `serde string got a ${typeof value}; pass serdes that fit the value`);
    return utf8Encode(value);
  },
  deserialize: (bytes) => utf8Decode(bytes),
};

const bytes: Serde<Uint8Array> = {
  name: "bytes",
  serialize(value) {
    if (!(value instanceof Uint8Array)) throw new RivuletError("invalid_record", `serde bytes got a ${typeof value}; pass serdes that fit the value`);
    return value;
  },
  deserialize: (data) => data,
};

const cbor: Serde<unknown> = {
  name: "cbor",
  serialize: (value) => cborEncode(value),
  deserialize: (data) => cborDecode(data),
};

function json<T = unknown>(): Serde<T> {
  return {
    name: "json",
    serialize(value) {
      const text = JSON.stringify(value);
      if (text === undefined) throw new RivuletError("invalid_record", `serde json cannot encode a ${typeof value}`);
      return utf8Encode(text);
    },
    deserialize: (data) => JSON.parse(utf8Decode(data)) as T,
  };
}

/**
 * The serdes Rivulet ships: `string` (UTF-8), `json()`, `bytes` (as is), `cbor` (RFC 8949).
 *
 * @example
 * ```ts
 * t.stream("payments", { key: serde.string, value: serde.json<{ amount: number }>() });
 * ```
 */
export const serde: {
  /** UTF-8 text. */
  string: Serde<string>;
  /** Bytes as they are. */
  bytes: Serde<Uint8Array>;
  /** CBOR (RFC 8949) via cbor-x. */
  cbor: Serde<any>;
  /** JSON text in UTF-8. */
  json<T = unknown>(): Serde<T>;
} = {
  string,
  bytes,
  cbor,
  json,
};

/** The serde a stream's keys default to. */
export const defaultKeySerde: Serde<any> = string;
/** The serde values default to where an operator may change their type (`mapValues`, aggregates, joins). */
export const defaultValueSerde: Serde<any> = json();

/**
 * Checks that `candidate` is a serde (not, say, the string "avro" or `serde.json` uncalled).
 *
 * @throws {RivuletError} `invalid_config` (reason `unknown_serde`)
 */
export function checkSerde<T>(candidate: unknown, where: string): Serde<T> {
  const s = candidate as Partial<Serde<T>> | null;
  if (typeof s !== "object" || s === null || typeof s.serialize !== "function" || typeof s.deserialize !== "function") {
    const shown = typeof candidate === "function" ? "a function (call it: serde.json())" : typeof candidate === "string" ? JSON.stringify(candidate) : typeof candidate;
    throw topologyError("unknown_serde", `${where}: unknown serde ${shown}; use serde.string, serde.json(), serde.bytes or serde.cbor`, { where });
  }
  return s as Serde<T>;
}

/** The serdes to use: each given one checked, each missing one from `fallback`. */
export function resolveSerdes<K, V>(given: Serdes<K, V> | undefined, fallback: { key: Serde<any>; value: Serde<any> }, where: string): { key: Serde<K>; value: Serde<V> } {
  if (given !== undefined && (typeof given !== "object" || given === null)) throw topologyError("unknown_serde", `${where}: serdes must be { key?, value? }`, { where });
  return {
    key: given?.key !== undefined ? checkSerde<K>(given.key, `${where} key`) : fallback.key,
    value: given?.value !== undefined ? checkSerde<V>(given.value, `${where} value`) : fallback.value,
  };
}
