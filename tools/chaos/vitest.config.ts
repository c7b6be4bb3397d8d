import { mergeConfig } from 'vitest/config';
import preset from '../../vitest.preset.js';

// Crash runs start and kill whole processes against real servers: give them room, and one file at a time so
// they do not fight over the two cores.
export default mergeConfig(preset, { test: { testTimeout: 120_000, hookTimeout: 60_000, fileParallelism: false } });
