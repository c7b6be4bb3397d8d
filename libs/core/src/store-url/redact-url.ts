/**
 * `url` with its password replaced by `***`, for error messages and logs. A string that does not parse as a URL is
 * returned up to its first `@` only, since it may still hold credentials.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    const at = url.lastIndexOf('@');
    return at < 0 ? url : `${url.slice(0, url.indexOf(':') + 1)}//***@${url.slice(at + 1)}`;
  }
}
