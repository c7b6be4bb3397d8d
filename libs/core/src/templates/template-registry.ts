import { templateKey, type TaskTemplate } from '../domain/template.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { TaskerError } from '../errors/tasker-error.js';
import { exactOrLatest, type VersionResolver } from './version-resolver.js';

/** The templates an engine can run, by namespace, name and version. */
export class TemplateRegistry {
  readonly #byName = new Map<string, Map<string, TaskTemplate>>();
  readonly #resolveVersion: VersionResolver;

  constructor(resolveVersion: VersionResolver = exactOrLatest) {
    this.#resolveVersion = resolveVersion;
  }

  /** @throws TaskerError `DUPLICATE_TEMPLATE` when this namespace, name and version is taken. */
  add(template: TaskTemplate): void {
    const key = `${template.namespace}/${template.name}`;
    const versions = this.#byName.get(key) ?? new Map<string, TaskTemplate>();
    if (versions.has(template.version)) {
      throw new TaskerError('DUPLICATE_TEMPLATE', `Template ${templateKey(template)} is registered already`);
    }
    versions.set(template.version, template);
    this.#byName.set(key, versions);
  }

  /**
   * The template a request names; the latest version when `version` is absent.
   * @throws NotFoundError `TEMPLATE_NOT_FOUND`
   */
  resolve(namespace: string, name: string, version?: string): TaskTemplate {
    const versions = this.#byName.get(`${namespace}/${name}`);
    const chosen = versions && this.#resolveVersion([...versions.keys()], version);
    const template = chosen === undefined ? undefined : versions?.get(chosen);
    if (!template) {
      const wanted = `${namespace}/${name}${version === undefined ? '' : `@${version}`}`;
      throw new NotFoundError('TEMPLATE_NOT_FOUND', `No template ${wanted} is registered`);
    }
    return template;
  }

  /** Every registered template. */
  list(): TaskTemplate[] {
    return [...this.#byName.values()].flatMap((versions) => [...versions.values()]);
  }
}
