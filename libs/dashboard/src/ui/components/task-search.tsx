import { useState } from 'preact/hooks';
import { navigate } from '../router.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opens a task by its id. */
export function TaskSearch() {
  const [id, setId] = useState('');
  const [problem, setProblem] = useState<string>();
  return (
    <form
      role="search"
      class="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        const wanted = id.trim();
        if (!UUID.test(wanted)) return setProblem('A task id is a UUID, e.g. 0190c7a2-8f3e-7b1d-9c4a-2e5f6a7b8c9d');
        setProblem(undefined);
        navigate(`tasks/${wanted}`);
      }}
    >
      <label for="task-id">Task id</label>
      <input
        id="task-id"
        value={id}
        onInput={(event) => setId(event.currentTarget.value)}
        aria-invalid={problem !== undefined}
        aria-describedby="task-id-problem"
      />
      <button type="submit">Open</button>
      <span id="task-id-problem" class="error-text" role="alert">
        {problem}
      </span>
    </form>
  );
}
