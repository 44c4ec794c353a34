#!/usr/bin/env node
// The lowrank command line; the code lives in dist/cli/main.js, built by "npm run build".
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
