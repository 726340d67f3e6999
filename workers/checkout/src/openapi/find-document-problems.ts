const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a local JSON pointer (`#/components/schemas/X`), or undefined. */
function resolvePointer(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = document;
  for (const segment of ref.slice(2).split('/')) {
    const key = segment.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(node) || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

function collectRefs(node: unknown, found: string[]): string[] {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, found);
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else collectRefs(value, found);
    }
  }
  return found;
}

/**
 * The structural problems of an OpenAPI 3.1 document, as sentences (empty when none): the version
 * is `3.1.0`; every `$ref` is local and resolves; every operation has a unique `operationId`,
 * at least one response and a description for each; every `{parameter}` of a path is declared as
 * a required path parameter and every declared path parameter is in the path; every security
 * requirement names a declared scheme. Runs anywhere (the full JSON Schema validation of the
 * OpenAPI specification compiles code at run time, which workerd forbids: the `openapi` script
 * runs it in Node before writing `docs/openapi.json`).
 */
export function findDocumentProblems(document: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(document)) return ['the document is not an object'];
  if (document.openapi !== '3.1.0') problems.push('`openapi` is not 3.1.0');
  const info = document.info;
  if (!isObject(info) || typeof info.title !== 'string' || typeof info.version !== 'string') {
    problems.push('`info` lacks a title or a version');
  }
  for (const ref of collectRefs(document, [])) {
    if (resolvePointer(document, ref) === undefined) problems.push(`$ref ${ref} does not resolve`);
  }
  const schemes = isObject(document.components) ? document.components.securitySchemes : undefined;
  const operationIds = new Set<string>();
  const paths = isObject(document.paths) ? document.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) {
      problems.push(`${path} is not a path item`);
      continue;
    }
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
    for (const method of OPERATION_METHODS) {
      const operation = item[method];
      if (operation === undefined) continue;
      const name = `${method.toUpperCase()} ${path}`;
      if (!isObject(operation)) {
        problems.push(`${name} is not an operation`);
        continue;
      }
      const { operationId, responses, parameters = [], security = [] } = operation;
      if (typeof operationId !== 'string' || operationId === '') {
        problems.push(`${name} has no operationId`);
      } else if (operationIds.has(operationId)) {
        problems.push(`${name} repeats the operationId ${operationId}`);
      } else {
        operationIds.add(operationId);
      }
      if (!isObject(responses) || Object.keys(responses).length === 0) {
        problems.push(`${name} has no responses`);
      } else {
        for (const [status, response] of Object.entries(responses)) {
          if (!isObject(response) || typeof response.description !== 'string') {
            problems.push(`${name} ${status} has no description`);
          }
        }
      }
      const declared = (Array.isArray(parameters) ? parameters : [])
        .filter((parameter) => isObject(parameter) && parameter.in === 'path')
        .map((parameter) => (parameter as JsonObject).name);
      for (const parameter of templated) {
        if (!declared.includes(parameter)) {
          problems.push(`${name} does not declare its path parameter ${parameter}`);
        }
      }
      for (const parameter of declared) {
        if (!templated.includes(parameter as string)) {
          problems.push(`${name} declares a path parameter ${String(parameter)} not in its path`);
        }
      }
      for (const requirement of Array.isArray(security) ? security : []) {
        for (const scheme of Object.keys(isObject(requirement) ? requirement : {})) {
          if (!isObject(schemes) || !(scheme in schemes)) {
            problems.push(`${name} requires the undeclared security scheme ${scheme}`);
          }
        }
      }
    }
  }
  return problems;
}
