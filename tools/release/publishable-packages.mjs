#!/usr/bin/env node
// Prints the directory of every publishable workspace package (every one not marked `private`), one a line, so
// that the build, pack and publish scripts all read the one list the manifests already hold.
import { workspacePackages } from '../ci/workspace-packages.mjs';

for (const { path, manifest } of workspacePackages()) if (!manifest.private) console.log(path);
