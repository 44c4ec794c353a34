/**
 * The `lowrank` command line: dispatch to the commands, one module each. An error ends the command
 * with a one-line message on stderr and no stack trace. The exit code is 2 for bad arguments (an
 * unknown option, a tensor the file does not have, a rank out of range), and 1 for a file that
 * cannot be read or parsed and for any other failure.
 */
import { ready } from "../runtime/load.js";
import { UsageError } from "./args.js";
import { demoCommand } from "./demo.js";
import { inspectCommand } from "./inspect.js";
import { loraCommand } from "./lora.js";
import { quantizeCommand } from "./quantize.js";
import { rankCommand } from "./rank.js";

const USAGE = `Usage: lowrank <command> [options]

Commands:
  demo                  the article's walk-through: W = randn(10, 10) with numpy's seed 69, its rank-4
                        factors B and A, and its size and error in six number formats
  inspect FILE          the tensors of a safetensors or .npy file; for a LoRA adapter, each pair's
                        rank, scaling and the energy each rank keeps
  rank FILE             singular values of a weight matrix, error against rank, bytes saved
  quantize FILE         size and error of each tensor in f16, bf16, int8, nf4 and fp4; -o writes them
  lora resize ADAPTER   truncate a PEFT LoRA adapter to a smaller rank, keeping each pair's scaling
  lora extract BASE TUNED
                        make a LoRA adapter from the difference of two weight files

Every command takes --help for its options, and --json for output that scripts read.
Exit codes: 0 success, 1 unreadable or malformed file, 2 bad arguments.`;

type Command = (argv: readonly string[]) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  demo: demoCommand,
  inspect: inspectCommand,
  rank: rankCommand,
  quantize: quantizeCommand,
  lora: loraCommand,
};

/** Runs the command line on `argv` (without the node and script paths); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      console.log(USAGE);
      return name === undefined ? 2 : 0;
    }
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}; run "lowrank --help" for the list`);
    await ready();
    return await command(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`lowrank: ${message.split("\n")[0]}`);
    return error instanceof UsageError ? 2 : 1;
  }
}
