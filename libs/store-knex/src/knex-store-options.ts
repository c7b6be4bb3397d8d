/** How a {@link KnexStore} uses its database. Every field is optional. */
export interface KnexStoreOptions {
  /**
   * Prefix of every table name, so that several stores can share one database: `tasker_` when absent. Lower-case
   * letters, digits and underscores.
   */
  tablePrefix?: string;
  /**
   * Bring the schema up to date on the store's first call (`true` when absent). Safe when several processes
   * start at once. With `false`, call {@link KnexStore.migrate} (or the CLI's migrate command) before use.
   */
  autoMigrate?: boolean;
}
