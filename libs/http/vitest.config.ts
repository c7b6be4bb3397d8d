import { defineConfig, mergeConfig } from 'vitest/config';
import preset from '../../vitest.preset.js';

// The fuzz test forces a garbage collection before it reads the heap, to compare memory before and after.
export default mergeConfig(preset, defineConfig({ test: { execArgv: ['--expose-gc'] } }));
