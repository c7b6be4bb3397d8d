/** What the dashboard's page is told about where it runs (read by the page from a meta tag). */
export interface PageConfig {
  apiBase: string;
  auth: boolean;
  traceUrl: string | null;
}

/** Text made safe inside a double-quoted HTML attribute. */
function attribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The built index.html with a `<base>` at the app's root, so that its relative asset links and in-app links resolve
 * from any deep link (`<prefix>/ui/tasks/<id>`), and the page's configuration in a meta tag.
 */
export function indexPage(builtHtml: string, config: PageConfig): string {
  const tags =
    `<base href="${attribute(`${config.apiBase}/ui/`)}" />` +
    `<meta name="tasker-dashboard" content="${attribute(JSON.stringify(config))}" />`;
  if (!builtHtml.includes('<head>')) throw new Error("The dashboard's index.html has no <head>");
  return builtHtml.replace('<head>', `<head>${tags}`);
}
