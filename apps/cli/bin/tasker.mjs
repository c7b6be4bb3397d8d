#!/usr/bin/env -S node --conditions=@tasker/source --import tsx
// Runs the TypeScript sources (as every package here does through the `@tasker/source` condition).
import '../src/main.ts';
