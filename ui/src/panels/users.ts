import { call } from '../api.js';
import { h, table, when } from '../dom.js';
import { definePanel } from '../panel.js';

interface User {
  id: string;
  email_address: string;
  public_metadata: Record<string, unknown>;
  created_at: number;
}

export default definePanel<{ data: User[]; total_count: number }>({
  id: 'users',
  title: 'Users',
  load: () => call('GET', '/_emulator/users', { query: { limit: 20 } }),
  draw(page) {
    if (page.total_count === 0)
      return [h('p', { class: 'none' }, 'No users yet: accepting an invitation creates one.')];
    const rows = page.data.map((user) => [
      [h('span', { class: 'email' }, user.email_address), h('br'), h('code', { class: 'id' }, user.id)],
      h('code', {}, JSON.stringify(user.public_metadata)),
      when(user.created_at),
    ]);
    return [table(`Users, ${page.total_count}`, ['User', 'Public metadata', 'Created'], rows)];
  },
});
