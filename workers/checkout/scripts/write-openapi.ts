// `pnpm --filter @codex/checkout-worker openapi`: writes docs/openapi.json from the route
// definitions, after checking it structurally and against the OpenAPI 3.1 JSON Schema, and the
// error table of workers/checkout/README.md from the one error table (`apiErrors`).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderApiErrorTable } from '@codex/validation';
import { Validator } from '@seriousme/openapi-schema-validator';
import { findDocumentProblems } from '../src/openapi/find-document-problems';
import { openApiDocument } from '../src/openapi/openapi-document';
import { writeErrorTableBlock } from './error-table-block';

const target = new URL('../../../docs/openapi.json', import.meta.url);
const readme = new URL('../README.md', import.meta.url);

const document = openApiDocument();
const problems = findDocumentProblems(document);
// The validator takes plain JSON, which is also exactly what is written below.
const json: Record<string, unknown> = JSON.parse(JSON.stringify(document));
const validation = await new Validator().validate(json);
if (problems.length > 0 || !validation.valid) {
  console.error('The generated OpenAPI document is not valid; docs/openapi.json was not written.');
  for (const problem of problems) console.error(`- ${problem}`);
  if (!validation.valid) console.error(JSON.stringify(validation.errors, null, 2));
  process.exit(1);
}
await writeFile(target, `${JSON.stringify(document, null, 2)}\n`);
console.log(`wrote ${fileURLToPath(target)}`);

await writeFile(
  readme,
  writeErrorTableBlock(await readFile(readme, 'utf8'), renderApiErrorTable()),
);
console.log(`wrote the error table of ${fileURLToPath(readme)}`);
