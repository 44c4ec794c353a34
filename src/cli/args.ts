/**
 * Argument parsing shared by every command: options declared once per command, `--name value` and
 * `--name=value` forms, short aliases, positional arguments, and the errors that end the process with
 * exit code 2.
 */

/** An error in the command's arguments: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The value an option takes: none (a flag), a string, an integer or a number. */
export type OptionKind = "flag" | "string" | "integer" | "number";

/** The arguments a command accepts, and the help text `--help` prints. */
export interface CommandSpec {
  /** Command name as typed, e.g. "rank" or "lora resize". */
  name: string;
  /** The full `--help` text. */
  help: string;
  /** Long option names without the dashes, and what each takes. */
  options: Record<string, OptionKind>;
  /** Short aliases, e.g. `{ o: "output" }` for `-o`. */
  aliases?: Record<string, string>;
  /** Names of the required positional arguments, in order. */
  positionals: string[];
}

/** Parsed arguments: option values by long name, and the positional arguments. */
export interface ParsedArguments {
  options: Record<string, string | number | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` (the words after the command name) against a command's spec. Returns undefined when
 * `--help` or `-h` appears anywhere, so that the caller prints the help text.
 * Throws UsageError for an unknown option, a missing or malformed value, a repeated option, or the
 * wrong number of positional arguments.
 */
export function parseArguments(spec: CommandSpec, argv: readonly string[]): ParsedArguments | undefined {
  if (argv.includes("--help") || argv.includes("-h")) return undefined;
  const hint = `run "lowrank ${spec.name} --help"`;
  const options: ParsedArguments["options"] = {};
  const positionals: string[] = [];

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (!word.startsWith("-") || word === "-" || /^-\d/.test(word)) {
      positionals.push(word);
      continue;
    }

    // --name, --name=value or -x.
    const equals = word.indexOf("=");
    const written = equals >= 0 ? word.slice(0, equals) : word;
    const key = written.startsWith("--") ? written.slice(2) : spec.aliases?.[written.slice(1)];
    const kind = key === undefined ? undefined : spec.options[key];
    if (key === undefined || kind === undefined) throw new UsageError(`${spec.name}: unknown option ${written}; ${hint}`);
    if (options[key] !== undefined) throw new UsageError(`${spec.name}: option --${key} is given twice`);
    if (kind === "flag") {
      if (equals >= 0) throw new UsageError(`${spec.name}: option --${key} takes no value, received ${JSON.stringify(word.slice(equals + 1))}`);
      options[key] = true;
      continue;
    }
    const text = equals >= 0 ? word.slice(equals + 1) : argv[++i];
    options[key] = parseValue(spec.name, key, kind, text);
  }

  if (positionals.length < spec.positionals.length) {
    const missing = spec.positionals.slice(positionals.length).join(" ");
    throw new UsageError(`${spec.name}: missing ${missing}; ${hint}`);
  }
  if (positionals.length > spec.positionals.length) {
    throw new UsageError(`${spec.name}: unexpected argument ${JSON.stringify(positionals[spec.positionals.length])}; ${hint}`);
  }
  return { options, positionals };
}

function parseValue(command: string, key: string, kind: OptionKind, text: string | undefined): string | number {
  if (text === undefined) throw new UsageError(`${command}: option --${key} needs a value`);
  if (kind === "string") return text;
  const value = Number(text);
  if (kind === "integer" && !(/^-?\d+$/.test(text) && Number.isSafeInteger(value))) {
    throw new UsageError(`${command}: --${key} must be an integer, received ${JSON.stringify(text)}`);
  }
  if (kind === "number" && (text.trim() === "" || !Number.isFinite(value))) {
    throw new UsageError(`${command}: --${key} must be a number, received ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * Returns an integer option checked against [min, max], or `fallback` when the option is absent.
 * Throws UsageError outside the range.
 */
export function integerOption(command: string, parsed: ParsedArguments, key: string, min: number, max: number, fallback: number): number;
export function integerOption(command: string, parsed: ParsedArguments, key: string, min: number, max: number): number | undefined;
export function integerOption(command: string, parsed: ParsedArguments, key: string, min: number, max: number, fallback?: number): number | undefined {
  const value = parsed.options[key] as number | undefined;
  if (value === undefined) return fallback;
  if (value < min || value > max) throw new UsageError(`${command}: --${key} must be from ${min} to ${max}, received ${value}`);
  return value;
}

/** Returns a string option that must be one of `choices`, or `fallback` when absent. Throws UsageError otherwise. */
export function choiceOption<T extends string>(command: string, parsed: ParsedArguments, key: string, choices: readonly T[], fallback: T | undefined): T | undefined {
  const value = parsed.options[key] as string | undefined;
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`${command}: --${key} must be one of ${choices.join(", ")}, received ${JSON.stringify(value)}`);
  }
  return value as T;
}
