import { describe, expect, it } from "vitest";
import { FormatError, readMatrixMarket } from "../../src/index.js";
import { readMatrixMarketFile } from "../../src/node.js";
import { expectSummary, fixtureBytes, FIXTURES, reference } from "./io-helpers.js";

function formatError(action: () => unknown): FormatError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(FormatError);
    return error as FormatError;
  }
  throw new Error("expected a FormatError, but the call returned");
}

describe("readMatrixMarket on real files", () => {
  for (const [file, expected] of Object.entries(reference.matrixMarket)) {
    it(`reads ${file} as scipy does`, async () => {
      const a = await readMatrixMarketFile(new URL(`data/${file}`, FIXTURES));
      expect([a.rows, a.cols, a.entries]).toEqual([expected.rows, expected.cols, expected.entries]);
      expect([a.format, a.field, a.symmetry]).toEqual(["coordinate", "real", "general"]);
      expectSummary(a.data, expected, file);
      for (const [i, j, value] of expected.at) expect(a.data[i * a.cols + j], `${file} (${i}, ${j})`).toBe(value);
      for (const [i, j] of expected.zeroAt) expect(a.data[i * a.cols + j]).toBe(0);
      expect(a.data.filter((x) => x !== 0).length).toBe(expected.nonzeros);
    });
  }
});

describe("readMatrixMarket on files scipy wrote", () => {
  for (const [file, expected] of Object.entries(reference.generatedMatrixMarket)) {
    it(`reads ${file}`, () => {
      const a = readMatrixMarket(fixtureBytes(`mtx/${file}`));
      expect([a.rows, a.cols]).toEqual([expected.rows, expected.cols]);
      expect([a.format, a.field, a.symmetry]).toEqual([expected.format, expected.field, expected.symmetry]);
      expect(Array.from(a.data)).toEqual(expected.values);
    });
  }

  it("reads text, CRLF line ends and blank lines", () => {
    const text = new TextDecoder().decode(fixtureBytes("mtx/coordinate-real-symmetric.mtx"));
    const expected = reference.generatedMatrixMarket["coordinate-real-symmetric.mtx"]!.values;
    expect(Array.from(readMatrixMarket(text.replaceAll("\n", "\r\n")).data)).toEqual(expected);
    expect(Array.from(readMatrixMarket(text.replace("\n", "\n\n% note\n   \n")).data)).toEqual(expected);
    expect(Array.from(readMatrixMarket(text.replace("%%MatrixMarket matrix", "%%matrixmarket MATRIX")).data)).toEqual(expected);
  });

  it("sums repeated coordinate entries, as scipy's coo_matrix does", () => {
    const a = readMatrixMarket("%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1.5\n1 1 2.25\n2 1 -1\n");
    expect(a.data[0]).toBe(1.5 + 2.25);
  });
});

describe("readMatrixMarket on malformed files", () => {
  const banner = "%%MatrixMarket matrix coordinate real general\n";
  const bad = (text: string) => formatError(() => readMatrixMarket(text));

  it("rejects bad banners", () => {
    expect(bad("").message).toMatch(/empty/);
    expect(bad("1 1 1\n").message).toMatch(/must start with %%MatrixMarket/);
    expect(bad("%%MatrixMarket matrix coordinate real\n").message).toMatch(/banner must read/);
    expect(bad("%%MatrixMarket matrix coordinate complex general\n").message).toMatch(/complex matrices are not supported/);
    expect(bad("%%MatrixMarket matrix coordinate real hermitian\n").message).toMatch(/unsupported symmetry "hermitian"/);
    expect(bad("%%MatrixMarket matrix dense real general\n").message).toMatch(/unknown format "dense"/);
    expect(bad("%%MatrixMarket matrix array pattern general\n").message).toMatch(/pattern cannot be combined with the array format/);
    expect(bad("%%MatrixMarket matrix coordinate real general\n").line).toBe(2);
  });

  it("rejects bad size lines", () => {
    const error = bad(`${banner}% comment\n3 3\n`);
    expect(error.message).toMatch(/size line must have 3 fields \(rows, columns and entries\), found 2/);
    expect(error.line).toBe(3);
    expect(bad(`${banner}3 x 1\n`).message).toMatch(/size "x" is not a non-negative integer/);
    expect(bad(`${banner}-3 3 1\n`).message).toMatch(/not a non-negative integer/);
    expect(bad("%%MatrixMarket matrix coordinate real symmetric\n3 4 0\n").message).toMatch(/must be square/);
  });

  it("rejects a matrix over the size limit before allocating", () => {
    const error = bad(`${banner}1000000 1000000 1\n1 1 1\n`);
    expect(error.message).toMatch(/needs 8000000000000 bytes as a dense Float64Array, over the limit of 2147483648/);
    expect(error.line).toBe(2);
    expect(() => readMatrixMarket(`${banner}2 2 0\n`, { maxBytes: 31 })).toThrow(/over the limit of 31/);
    expect(readMatrixMarket(`${banner}2 2 0\n`, { maxBytes: 32 }).rows).toBe(2);
  });

  it("rejects entries with the wrong number of fields", () => {
    const error = bad(`${banner}2 2 2\n1 1 1.0\n2 2\n`);
    expect(error.message).toMatch(/an entry must have 3 fields \(i j value\), found 2/);
    expect(error.line).toBe(4);
    expect(bad("%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1 5\n").message).toMatch(/2 fields \(i j\), found 3/);
    expect(bad("%%MatrixMarket matrix array real general\n1 2\n1 2\n3\n").message).toMatch(/array entry must have 1 field, found 2/);
  });

  it("rejects indices out of range and bad values", () => {
    expect(bad(`${banner}2 2 1\n3 1 1.0\n`).message).toMatch(/row index "3" is outside 1\.\.2/);
    expect(bad(`${banner}2 2 1\n1 0 1.0\n`).message).toMatch(/column index "0" is outside 1\.\.2/);
    expect(bad(`${banner}2 2 1\n1 1.5 1.0\n`).message).toMatch(/column index "1\.5" is not an integer/);
    expect(bad(`${banner}2 2 1\n1 1 1.0x\n`).message).toMatch(/value "1\.0x" is not a real number/);
    expect(bad("%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n").message).toMatch(/not an integer/);
    expect(bad("%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n1 1 1.5\n").message).toMatch(/cannot store the diagonal/);
  });

  it("rejects too few or too many entries", () => {
    const few = bad(`${banner}2 2 3\n1 1 1\n2 2 2\n`);
    expect(few.message).toMatch(/ends after 2 of the 3 entries/);
    expect(few.line).toBe(5);
    expect(bad(`${banner}2 2 1\n1 1 1\n2 2 2\n`).message).toMatch(/unexpected data after the 1 entries/);
    expect(bad("%%MatrixMarket matrix array real general\n2 1\n1\n").message).toMatch(/ends after 1 values/);
  });

  it("accepts special values", () => {
    const a = readMatrixMarket(`${banner}1 3 3\n1 1 inf\n1 2 -Infinity\n1 3 NaN\n`);
    expect(Array.from(a.data)).toEqual([Infinity, -Infinity, NaN]);
  });

  it("rejects bad arguments", () => {
    expect(() => readMatrixMarket(12 as never)).toThrow(TypeError);
    expect(() => readMatrixMarket(banner, { maxBytes: -1 })).toThrow(RangeError);
  });
});
