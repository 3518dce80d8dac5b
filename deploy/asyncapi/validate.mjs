// Prints the official AsyncAPI parser's diagnostics of a document as JSON lines: severity, code, path, message.
import { Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
const parser = new Parser();
const { diagnostics } = await parser.parse(readFileSync(process.argv[2], 'utf8'));
const out = diagnostics.map(d => ({ severity: ['error', 'warning', 'info', 'hint'][d.severity], code: d.code, message: d.message, path: d.path.join('.') }));
console.log(JSON.stringify(out));
