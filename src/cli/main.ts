/**
 * The `lowrank` command line. Each command parses its own options. An error ends the process with a
 * one-line message on stderr and exit code 2 for bad arguments, 1 for any other failure.
 */
import { runDemo, renderDemo } from "./demo.js";

const USAGE = `Usage: lowrank <command> [options]

Commands:
  demo    the article's walk-through: W = randn(10, 10) with numpy's seed 69, and its storage sizes

Run "lowrank <command> --help" for a command's options.`;

const DEMO_USAGE = `Usage: lowrank demo [--seed N] [--size N] [--json]

The founding article's walk-through, computed by lowrank.
  --seed N   seed of numpy's legacy generator (default 69, the article's)
  --size N   W is N x N (default 10)
  --json     print the results as JSON at full precision instead of tables`;

/** An error in the command's arguments: printed as one line, exit code 2. */
class UsageError extends Error {}

function parseInteger(option: string, text: string | undefined): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`${option} needs a non-negative integer, received ${text === undefined ? "nothing" : JSON.stringify(text)}`);
  return Number(text);
}

function demoCommand(argv: string[]): void {
  let seed = 69;
  let size = 10;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    if (argument === "--help" || argument === "-h") {
      console.log(DEMO_USAGE);
      return;
    } else if (argument === "--seed") seed = parseInteger("--seed", argv[++i]);
    else if (argument === "--size") size = parseInteger("--size", argv[++i]);
    else if (argument === "--json") json = true;
    else throw new UsageError(`demo: unknown option ${JSON.stringify(argument)}; run "lowrank demo --help"`);
  }
  if (seed > 2 ** 32 - 1) throw new UsageError(`--seed must be at most 4294967295, received ${seed}`);
  const report = runDemo({ seed, size });
  console.log(json ? JSON.stringify(report, null, 1) : renderDemo(report));
}

/** Runs the command line on `argv` (without the node and script paths); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "demo":
        demoCommand(rest);
        return 0;
      case undefined:
      case "--help":
      case "-h":
      case "help":
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}; run "lowrank --help" for the list`);
    }
  } catch (error) {
    const usage = error instanceof UsageError || error instanceof RangeError || error instanceof TypeError;
    console.error(`lowrank: ${error instanceof Error ? error.message : String(error)}`);
    return usage ? 2 : 1;
  }
}
