import { useState } from 'preact/hooks';
import { signIn } from '../auth/session.js';

/** Asks for the bearer token the API wants; it is kept for this tab only (sessionStorage). */
export function SignIn() {
  const [value, setValue] = useState('');
  return (
    <main class="sign-in">
      <h1>Tasker dashboard</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim()) signIn(value.trim());
        }}
      >
        <label for="token">Bearer token (JWT)</label>
        <textarea id="token" rows={4} value={value} onInput={(event) => setValue(event.currentTarget.value)} required />
        <p class="hint">Kept in this tab's session storage only; closing the tab forgets it.</p>
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
