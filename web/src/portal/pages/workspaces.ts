// Workspaces: the list, and one workspace with its members (add, change role,
// remove) and its capacity assignment.
import { call, list, paths, Capacity, Member, Workspace, Dataset, Report } from '../api';
import { h, mount, table, notice, field, select, facts, link, busy, errorText } from '../dom';

const ROLES = ['Admin', 'Member', 'Contributor', 'Viewer'];
const NO_CAPACITY = '00000000-0000-0000-0000-000000000000';

export async function workspacesPage(main: HTMLElement): Promise<void> {
  const [wss, caps] = await Promise.all([list<Workspace>(paths.groups()), list<Capacity>(paths.capacities()).catch(() => [])]);
  const capName = (id?: string) => (id ? caps.find((c) => c.id === id)?.displayName ?? id : 'None');
  mount(main,
    h('h1', {}, 'Workspaces'),
    h('p', {}, 'The workspaces you belong to. Open one to manage its members and capacity.'),
    table('Workspaces', ['Name', 'Description', 'Capacity'], wss.map((w) => [
      link(`/workspaces/${w.id}`, w.name), w.description || '', capName(w.capacityId),
    ]), { id: 'workspaces' }));
}

export async function workspacePage(main: HTMLElement, [id]: string[]): Promise<void> {
  const [ws, members, caps, datasets, reports] = await Promise.all([
    call<Workspace>('GET', paths.group(id)),
    list<Member>(paths.members(id)),
    list<Capacity>(paths.capacities()).catch(() => [] as Capacity[]),
    list<Dataset>(paths.datasets(id)).catch(() => [] as Dataset[]),
    list<Report>(paths.reports(id)).catch(() => [] as Report[]),
  ]);
  const out = h('div', { 'aria-live': 'polite' });
  mount(main,
    h('p', { class: 'crumbs' }, link('/workspaces', 'Workspaces'), ' / '),
    h('h1', {}, ws.name),
    ws.description ? h('p', {}, ws.description) : null,
    facts([
      ['Id', h('code', {}, ws.id)],
      ['Datasets', datasets.length ? h('ul', { class: 'inline' }, datasets.map((d) => h('li', {}, link(`/datasets/${id}/${d.id}`, d.name)))) : 'none'],
      ['Reports', reports.length ? h('ul', { class: 'inline' }, reports.map((r) => h('li', {}, link(`/reports/${id}/${r.id}`, r.name)))) : 'none'],
    ]),
    out,
    capacitySection(ws, caps, out),
    membersSection(id, members, out));
}

function capacitySection(ws: Workspace, caps: Capacity[], out: HTMLElement): HTMLElement {
  const sel = select('capacityId', [[NO_CAPACITY, 'No capacity'], ...caps.map((c): [string, string] => [c.id, `${c.displayName} (${c.sku}, ${c.state})`])], ws.capacityId || NO_CAPACITY);
  const btn = h('button', { type: 'submit' }, 'Assign');
  const form = h('form', { class: 'row', id: 'capacity-form' }, field('Capacity', sel), btn);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void busy(btn, out, async () => {
      await call('POST', `${paths.group(ws.id)}/AssignToCapacity`, { capacityId: sel.value });
      const name = sel.selectedOptions[0]?.textContent ?? sel.value;
      mount(out, notice('ok', sel.value === NO_CAPACITY ? 'The workspace is no longer on a capacity.' : `Assigned to ${name}.`));
    });
  });
  return h('section', { 'aria-labelledby': 'cap-h' },
    h('h2', { id: 'cap-h' }, 'Capacity'),
    h('p', {}, 'Embedding with embed tokens needs the report\'s and the dataset\'s workspaces on an Active capacity.'),
    form);
}

function membersSection(wsId: string, members: Member[], out: HTMLElement): HTMLElement {
  const body = h('div');
  const render = (ms: Member[]) => mount(body, table('Members', ['Identifier', 'Display name', 'Type', 'Role', 'Actions'], ms.map((m) => {
    const role = select('role', ROLES.map((r): [string, string] => [r, r]), m.groupUserAccessRight);
    role.setAttribute('aria-label', `Role of ${m.identifier}`);
    const save = h('button', { type: 'button', class: 'secondary' }, 'Change role');
    save.setAttribute('aria-label', `Change role of ${m.identifier}`);
    save.addEventListener('click', () => void busy(save, out, async () => {
      await call('PUT', paths.members(wsId), { identifier: m.identifier, principalType: m.principalType, groupUserAccessRight: role.value, displayName: m.displayName });
      mount(out, notice('ok', `${m.identifier} is now ${role.value}.`));
      await refresh();
    }));
    const del = h('button', { type: 'button', class: 'danger' }, 'Remove');
    del.setAttribute('aria-label', `Remove ${m.identifier}`);
    del.addEventListener('click', () => {
      if (!confirm(`Remove ${m.identifier} from this workspace?`)) return;
      void busy(del, out, async () => {
        await call('DELETE', paths.member(wsId, m.identifier));
        mount(out, notice('ok', `${m.identifier} was removed.`));
        await refresh();
      });
    });
    return [m.identifier, m.displayName || '', m.principalType, role, h('span', { class: 'actions' }, save, del)];
  }), { id: 'members' }));
  const refresh = async () => render(await list<Member>(paths.members(wsId)));
  render(members);

  const ident = h('input', { name: 'identifier', type: 'text', required: true, autocomplete: 'off', spellcheck: 'false' });
  const display = h('input', { name: 'displayName', type: 'text', autocomplete: 'off' });
  const kind = select('principalType', [['User', 'User'], ['App', 'App (service principal)']], 'User');
  const role = select('groupUserAccessRight', ROLES.map((r): [string, string] => [r, r]), 'Viewer');
  const add = h('button', { type: 'submit' }, 'Add member');
  const form = h('form', { id: 'add-member', class: 'grid' },
    field('Identifier', ident, 'A username (e-mail) or an app\'s client id'), field('Display name (optional)', display),
    field('Type', kind), field('Role', role), h('div', { class: 'field' }, add));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void busy(add, out, async () => {
      await call('POST', paths.members(wsId), { identifier: ident.value.trim(), displayName: display.value.trim() || undefined, principalType: kind.value, groupUserAccessRight: role.value });
      mount(out, notice('ok', `${ident.value.trim()} was added as ${role.value}.`));
      form.reset();
      await refresh();
    }).catch((e) => mount(out, notice('error', errorText(e))));
  });
  return h('section', { 'aria-labelledby': 'mem-h' },
    h('h2', { id: 'mem-h' }, 'Members'),
    h('p', {}, 'Roles: Admin > Member > Contributor > Viewer. Minting embed tokens needs Member; publishing needs Contributor.'),
    body,
    h('h3', {}, 'Add a member'),
    form);
}
