import { needsToken } from './auth/session.js';
import { Layout } from './components/layout.js';
import { SignIn } from './components/sign-in.js';
import { AnalyticsPage } from './pages/analytics-page.js';
import { TaskPageView } from './pages/task-page.js';
import { TasksPage } from './pages/tasks-page.js';
import { TemplatesPage } from './pages/templates-page.js';
import { WorkersPage } from './pages/workers-page.js';
import { route } from './router.js';

/** The page the route names. */
function CurrentPage() {
  const current = route.value;
  switch (current.page) {
    case 'task':
      return <TaskPageView key={current.taskId} taskId={current.taskId} />;
    case 'templates':
      return <TemplatesPage namespace={current.namespace} name={current.name} />;
    case 'analytics':
      return <AnalyticsPage />;
    case 'workers':
      return <WorkersPage />;
    case 'tasks':
      return <TasksPage />;
  }
}

/** The dashboard: the sign-in form while a token is needed, else the page of the route. */
export function App() {
  if (needsToken.value) return <SignIn />;
  return (
    <Layout>
      <CurrentPage />
    </Layout>
  );
}
