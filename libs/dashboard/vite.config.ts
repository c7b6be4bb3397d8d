import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The app is served under any prefix (`<prefix>/ui/`): asset URLs stay relative, and the server puts a `<base>`
// into index.html so that deep links (`<prefix>/ui/tasks/<id>`) resolve them from the app's root.
export default defineConfig({
  root: fileURLToPath(new URL('src/ui', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('dist/ui', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { '/tasker': 'http://localhost:3000' } },
});
