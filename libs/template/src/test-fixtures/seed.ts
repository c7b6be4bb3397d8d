import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The seed's order processing template, as users write it. */
export const SEED_FILE = fileURLToPath(
  new URL('../../../../config/tasker/tasks/ecommerce/order_processing_handler.yaml', import.meta.url),
);

/** The seed's YAML text. */
export const SEED_YAML = readFileSync(SEED_FILE, 'utf8');
