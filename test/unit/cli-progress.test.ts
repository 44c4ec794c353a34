import { describe, expect, it } from "vitest";
import { Progress } from "../../src/cli/progress.js";

/** A stand-in for stderr that records what is written, and a clock the test moves. */
function terminal(isTTY: boolean): { stream: { isTTY: boolean; columns: number; write(text: string): void }; output: string[] } {
  const output: string[] = [];
  return { stream: { isTTY, columns: 60, write: (text: string) => void output.push(text) }, output };
}

describe("Progress", () => {
  it("stays silent during the first second", () => {
    const { stream, output } = terminal(true);
    let now = 0;
    const progress = new Progress("rank", 4, stream, () => now);
    now = 999;
    progress.step("a");
    progress.finish();
    expect(output).toEqual([]);
  });

  it("draws after a second and clears its line", () => {
    const { stream, output } = terminal(true);
    let now = 0;
    const progress = new Progress("rank", 4, stream, () => now);
    now = 1000;
    progress.step("first");
    expect(output).toHaveLength(1);
    expect(output[0]).toMatch(/^\rrank \[#{6}\.{18}\] 1\/4 first\s*$/);
    expect(output[0]!.length).toBe(60);
    now = 1050;
    progress.step("second");
    expect(output).toHaveLength(1); // redrawn at most every 100 ms
    now = 1150;
    progress.step("third");
    expect(output[1]).toContain("3/4 third");
    progress.finish();
    expect(output[2]).toBe(`\r${" ".repeat(59)}\r`);
  });

  it("never draws when the stream is not a terminal", () => {
    const { stream, output } = terminal(false);
    let now = 0;
    const progress = new Progress("quantize", 2, stream, () => now);
    now = 5000;
    progress.step("a");
    progress.step("b");
    progress.finish();
    expect(output).toEqual([]);
  });
});
