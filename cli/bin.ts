#!/usr/bin/env node
/**
 * The built `rivulet` command's entry (`dist/cli/bin.js`, the package's bin, and the entry of
 * the Bun single binary): plain JavaScript on every runtime, no TypeScript loader. Commands
 * load on demand (see main.ts), so `rivulet produce` never loads the server.
 * From a checkout, `cli/rivulet.mjs` runs the sources instead.
 */
import { main } from "./main.ts";

process.exitCode = await main(process.argv.slice(2));
