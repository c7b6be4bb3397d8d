import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { Handler, TemplateDetail, TemplateListing } from '../api/types.js';
import { useQuery } from '../api/use-query.js';
import { Dag } from '../components/dag.js';
import { JsonView } from '../components/json-view.js';
import { Link } from '../components/link.js';
import { ErrorNotice, Loading } from '../components/notice.js';
import { formatDuration } from '../format/format.js';
import { ScrollBox } from '../components/scroll-box.js';

const enc = encodeURIComponent;

/** Every namespace with its templates and their versions. */
function TemplateIndex() {
  const listings = useQuery('template-index', async () => {
    const { namespaces } = await api.get<{ namespaces: Array<{ name: string }> }>('/namespaces');
    return Promise.all(
      namespaces.map((namespace) => api.get<TemplateListing>(`/namespaces/${enc(namespace.name)}/templates`)),
    );
  });
  if (!listings.data) return listings.error ? <ErrorNotice error={listings.error} /> : <Loading />;
  return (
    <>
      {listings.data.map((listing) => (
        <section key={listing.namespace} aria-labelledby={`ns-${listing.namespace}`}>
          <h2 id={`ns-${listing.namespace}`}>{listing.namespace}</h2>
          <ul class="plain">
            {listing.templates.map((template) => (
              <li key={template.name}>
                <Link to={`templates/${enc(listing.namespace)}/${enc(template.name)}`}>{template.name}</Link>{' '}
                {template.versions.join(', ')}
                {template.description && <span class="hint"> — {template.description}</span>}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

/** One template: a version, its graph, steps, context JSON Schema. */
function TemplateView({ namespace, name }: { namespace: string; name: string }) {
  const [version, setVersion] = useState<string>();
  const template = useQuery(`${namespace}/${name}@${version}`, () =>
    api.get<TemplateDetail>(`/namespaces/${enc(namespace)}/templates/${enc(name)}`, { version }),
  );
  if (!template.data) return template.error ? <ErrorNotice error={template.error} /> : <Loading />;
  const data = template.data;
  return (
    <section aria-labelledby="template-title">
      <h2 id="template-title">{data.key}</h2>
      {data.description && <p>{data.description}</p>}
      <label>
        Version{' '}
        <select value={data.version} onChange={(event) => setVersion(event.currentTarget.value)}>
          {data.versions.map((candidate) => (
            <option key={candidate}>{candidate}</option>
          ))}
        </select>
      </label>
      {data.task_handler && <p>Task handler: {data.task_handler}</p>}
      <Dag
        steps={data.steps.map((step) => ({ name: step.name, dependsOn: step.depends_on }))}
        label={`Graph of ${data.key}`}
      />
      <ScrollBox label="Steps">
        <table>
          <caption>Steps</caption>
          <thead>
            <tr>
              <th scope="col">step</th>
              <th scope="col">handler</th>
              <th scope="col">depends on</th>
              <th scope="col">retries</th>
              <th scope="col">timeout</th>
              <th scope="col">compensation</th>
            </tr>
          </thead>
          <tbody>
            {data.steps.map((step) => (
              <tr key={step.name}>
                <td>{step.name}</td>
                <td>{step.handler}</td>
                <td>{step.depends_on.join(', ')}</td>
                <td>{step.retry_limit ?? 'default'}</td>
                <td>{formatDuration(step.timeout_ms)}</td>
                <td>{step.compensate?.handler ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
      <JsonView label="Context JSON Schema" value={data.context_schema} />
    </section>
  );
}

/** Registered handlers and the templates that use them. */
function Handlers() {
  const handlers = useQuery('handlers', () => api.get<{ handlers: Handler[] }>('/handlers'));
  if (!handlers.data) return handlers.error ? <ErrorNotice error={handlers.error} /> : <Loading />;
  return (
    <section aria-labelledby="handlers-title">
      <h2 id="handlers-title">Handlers</h2>
      <ScrollBox label="Handlers">
        <table>
          <thead>
            <tr>
              <th scope="col">handler</th>
              <th scope="col">kind</th>
              <th scope="col">used by</th>
            </tr>
          </thead>
          <tbody>
            {handlers.data.handlers.map((handler) => (
              <tr key={handler.name}>
                <td>{handler.name}</td>
                <td>{handler.kind}</td>
                <td>{handler.used_by.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
    </section>
  );
}

/** Namespaces, templates and versions; one template's graph and context schema; handlers. */
export function TemplatesPage({ namespace, name }: { namespace?: string | undefined; name?: string | undefined }) {
  return (
    <>
      <h1>Templates</h1>
      {namespace && name ? <TemplateView namespace={namespace} name={name} /> : <TemplateIndex />}
      <Handlers />
    </>
  );
}
