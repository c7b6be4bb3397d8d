/** A JSON value: what step results, task contexts and annotations are made of, so every store can keep them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object, e.g. a task's context or a step's `config`. */
export type JsonObject = { [key: string]: JsonValue };
