import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A seed-style template that uses every key the seed's Tasker knows (but compensation's). */
export const SEED_KEYS_FILE = fileURLToPath(new URL('./seed-keys/fulfillment_handler.yaml', import.meta.url));

/** Its YAML text. */
export const SEED_KEYS_YAML = readFileSync(SEED_KEYS_FILE, 'utf8');
