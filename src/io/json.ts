/**
 * A strict JSON parser for file headers that may come from anyone (RFC 8259 grammar).
 *
 * `JSON.parse` would do the parsing, but a hostile header needs more: duplicate keys rejected (a
 * second entry for a name could hide the first from one reader and not another), a nesting limit,
 * objects kept in Maps so that keys such as `__proto__` stay plain data, and the position of every
 * key and of every syntax error, so that messages can point at a byte.
 */

/** A parsed JSON value; objects are `JsonObject`s. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A parsed JSON object: entries in document order, and where each key starts. */
export class JsonObject {
  /** Members in document order. */
  readonly entries = new Map<string, JsonValue>();
  /** Position (UTF-16 index into the parsed text) of each key's opening quote. */
  readonly keyPositions = new Map<string, number>();
}

/** Reports a syntax error at a position (UTF-16 index into the text); never returns. */
export type JsonFail = (problem: string, position: number) => never;

/** Deepest nesting accepted; safetensors headers need 3 levels. */
const MAX_DEPTH = 64;

/**
 * Parses `text` as one JSON value surrounded by optional whitespace. Calls `fail` for a syntax
 * error, a duplicate key or nesting deeper than 64 levels.
 */
export function parseJson(text: string, fail: JsonFail): JsonValue {
  const parser = new Parser(text, fail);
  parser.skipWhitespace();
  const value = parser.value(0);
  parser.skipWhitespace();
  if (parser.position < text.length) fail("unexpected text after the JSON value", parser.position);
  return value;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Parser {
  position = 0;

  constructor(
    private readonly text: string,
    private readonly fail: JsonFail,
  ) {}

  skipWhitespace(): void {
    const text = this.text;
    let p = this.position;
    while (p < text.length) {
      const c = text.charCodeAt(p);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      p++;
    }
    this.position = p;
  }

  value(depth: number): JsonValue {
    const text = this.text;
    const start = this.position;
    if (start >= text.length) return this.fail("unexpected end of the JSON text", start);
    const c = text[start];
    if (c === "{") return this.object(depth + 1);
    if (c === "[") return this.array(depth + 1);
    if (c === '"') return this.string();
    if (text.startsWith("true", start)) return this.literal(4, true);
    if (text.startsWith("false", start)) return this.literal(5, false);
    if (text.startsWith("null", start)) return this.literal(4, null);
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(text);
    if (match === null || match[0] === "" || match[0] === "-") return this.fail(`unexpected character ${JSON.stringify(c)}`, start);
    this.position = start + match[0].length;
    return Number(match[0]);
  }

  private literal(length: number, value: boolean | null): boolean | null {
    this.position += length;
    return value;
  }

  private object(depth: number): JsonObject {
    if (depth > MAX_DEPTH) this.fail(`objects and arrays nested deeper than ${MAX_DEPTH} levels`, this.position);
    const result = new JsonObject();
    this.position++;
    this.skipWhitespace();
    if (this.text[this.position] === "}") {
      this.position++;
      return result;
    }
    for (;;) {
      const keyPosition = this.position;
      if (this.text[keyPosition] !== '"') this.fail("expected a string key", keyPosition);
      const key = this.string();
      if (result.entries.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyPosition);
      this.skipWhitespace();
      if (this.text[this.position] !== ":") this.fail("expected ':' after the key", this.position);
      this.position++;
      this.skipWhitespace();
      result.entries.set(key, this.value(depth));
      result.keyPositions.set(key, keyPosition);
      this.skipWhitespace();
      const next = this.text[this.position];
      this.position++;
      if (next === "}") return result;
      if (next !== ",") this.fail("expected ',' or '}'", this.position - 1);
      this.skipWhitespace();
    }
  }

  private array(depth: number): JsonValue[] {
    if (depth > MAX_DEPTH) this.fail(`objects and arrays nested deeper than ${MAX_DEPTH} levels`, this.position);
    const result: JsonValue[] = [];
    this.position++;
    this.skipWhitespace();
    if (this.text[this.position] === "]") {
      this.position++;
      return result;
    }
    for (;;) {
      result.push(this.value(depth));
      this.skipWhitespace();
      const next = this.text[this.position];
      this.position++;
      if (next === "]") return result;
      if (next !== ",") this.fail("expected ',' or ']'", this.position - 1);
      this.skipWhitespace();
    }
  }

  private string(): string {
    const text = this.text;
    let p = this.position + 1;
    let result = "";
    let runStart = p;
    for (;;) {
      if (p >= text.length) return this.fail("unterminated string", this.position);
      const c = text.charCodeAt(p);
      if (c === 0x22) break;
      if (c < 0x20) return this.fail("control character inside a string", p);
      if (c !== 0x5c) {
        p++;
        continue;
      }

      // An escape sequence: flush the plain run before it.
      result += text.slice(runStart, p);
      const escape = text[p + 1];
      if (escape === "u") {
        const hex = text.slice(p + 2, p + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return this.fail("invalid \\u escape", p);
        result += String.fromCharCode(parseInt(hex, 16));
        p += 6;
      } else {
        const replacement = ESCAPES[escape ?? ""];
        if (replacement === undefined) return this.fail("invalid escape sequence", p);
        result += replacement;
        p += 2;
      }
      runStart = p;
    }
    result += text.slice(runStart, p);
    this.position = p + 1;
    return result;
  }
}

const ESCAPES: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
});
