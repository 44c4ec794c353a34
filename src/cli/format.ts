/**
 * Text formatting for the command line: numbers to a fixed count of significant digits and aligned
 * tables.
 */

/** Formats a number to `digits` significant digits, without trailing zeros after the point. */
export function formatNumber(value: number, digits = 8): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e9) {
    const text = value.toPrecision(digits);
    return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  }
  return value.toExponential(digits - 1).replace(/\.?0+e/, "e");
}

/**
 * Lays out rows of cells as an aligned table: text columns left-aligned, numeric columns
 * right-aligned, two spaces between columns, a header line and a rule under it.
 */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? "").length)));
  // A column is numeric when every cell is a number (a trailing % allowed), "-" or empty.
  const isNumber = (cell: string): boolean => cell === "" || cell === "-" || /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?%?$/i.test(cell) || /^-?(Infinity|NaN)$/.test(cell);
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => isNumber(row[column] ?? "")));
  const line = (cells: string[]): string =>
    cells.map((cell, column) => (numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join("  ").trimEnd();
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

/** Formats the rows of a matrix as aligned columns of numbers, one line per row. */
export function formatMatrix(rows: number, cols: number, data: ArrayLike<number>, digits = 8): string {
  const cells: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const row: string[] = [];
    for (let j = 0; j < cols; j++) row.push(formatNumber(data[i * cols + j]!, digits));
    cells.push(row);
  }
  const width = Math.max(0, ...cells.flat().map((cell) => cell.length));
  return cells.map((row) => "  " + row.map((cell) => cell.padStart(width)).join("  ")).join("\n");
}
