/** A missing or malformed environment variable: the message names the variable and the value, and says it all. */
export class SettingError extends Error {
  override name = 'SettingError';
}
