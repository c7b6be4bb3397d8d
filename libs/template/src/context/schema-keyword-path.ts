/** Keywords whose value maps names to subschemas, so the names themselves are not keywords. */
const SCHEMA_MAPS = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
  'dependencies',
]);
/** Keywords whose value is data, not a schema. */
const DATA = new Set(['enum', 'const', 'default', 'examples', 'required', 'dependentRequired']);

/**
 * The path of the first place `keyword` is used as a keyword in `schema` (not as a property name or inside
 * data), so ajv's strict-mode complaint, which carries no path, can be pointed at a line.
 */
export function schemaKeywordPath(
  schema: unknown,
  keyword: string,
  path: Array<string | number> = [],
): Array<string | number> | undefined {
  if (Array.isArray(schema)) {
    for (const [index, item] of schema.entries()) {
      const found = schemaKeywordPath(item, keyword, [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof schema !== 'object' || schema === null) return undefined;
  if (Object.hasOwn(schema, keyword)) return [...path, keyword];
  for (const [key, value] of Object.entries(schema)) {
    if (DATA.has(key)) continue;
    if (SCHEMA_MAPS.has(key) && typeof value === 'object' && value !== null) {
      for (const [name, child] of Object.entries(value)) {
        const found = schemaKeywordPath(child, keyword, [...path, key, name]);
        if (found) return found;
      }
    } else {
      const found = schemaKeywordPath(value, keyword, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
