// Capacities: state, limits, and (for the capacity's admins) suspend and resume.
import { call, list, paths, Capacity, Workspace } from '../api';

interface CapacityLoad { capacityId: string; state: string; inFlight: number; queued: number; maxConcurrentQueries: number; workspaces: number }
import { h, mount, table, notice, busy, num } from '../dom';

export async function capacitiesPage(main: HTMLElement): Promise<void> {
  const out = h('div', { 'aria-live': 'polite' });
  const body = h('div');
  const [caps, wss] = await Promise.all([list<Capacity>(paths.capacities()), list<Workspace>(paths.groups()).catch(() => [] as Workspace[])]);
  const render = (cs: Capacity[]) => mount(body, table('Capacities', ['Name', 'SKU', 'State', 'Load now', 'Region', 'Workspaces', 'Limits', 'Admins', 'Actions'], cs.map((c) => {
    const isAdmin = c.capacityUserAccessRight === 'Admin';
    const next = c.state === 'Active' ? 'suspend' : 'resume';
    let action: Node | string = isAdmin ? '' : 'Only the capacity\'s admins may change it';
    if (isAdmin) {
      const btn = h('button', { type: 'button', class: next === 'suspend' ? 'danger' : '' }, next === 'suspend' ? 'Suspend' : 'Resume');
      btn.setAttribute('aria-label', `${next === 'suspend' ? 'Suspend' : 'Resume'} ${c.displayName}`);
      btn.addEventListener('click', () => void busy(btn, out, async () => {
        const u = await call<Capacity>('POST', `${paths.capacity(c.id)}/${next}`);
        mount(out, notice('ok', `${u.displayName} is now ${u.state}.`));
        render(await list<Capacity>(paths.capacities()));
      }));
      action = btn;
    }
    const l = c.limits;
    const onIt = wss.filter((w) => w.capacityId === c.id).map((w) => w.name);
    return [
      c.displayName, c.sku,
      h('span', { class: `state ${c.state.toLowerCase()}` }, c.state),
      h('span', { 'data-capacity-load': c.id }, '…'),
      c.region || '—',
      onIt.length ? onIt.join(', ') : 'none',
      l ? h('ul', { class: 'plain' },
        h('li', {}, `${num(l.maxConcurrentQueries)} concurrent queries`),
        h('li', {}, `${num(l.queryTimeoutSeconds)} s per query`),
        h('li', {}, `${num(l.maxResultRows)} result rows`),
        h('li', {}, `${num(l.maxDatasetMemoryMB)} MB per dataset`)) : '—',
      (c.admins ?? []).join(', ') || '—',
      action,
    ];
  }), { id: 'capacities' }));
  render(caps);
  // Live load: queries running and queued now, refreshed while the page is shown.
  const refreshLoad = async () => {
    for (const el of Array.from(body.querySelectorAll<HTMLElement>('[data-capacity-load]'))) {
      const id = el.dataset.capacityLoad ?? '';
      try {
        const l = await call<CapacityLoad>('GET', `${paths.capacity(id)}/load`);
        el.textContent = `${num(l.inFlight)} running, ${num(l.queued)} queued (of ${num(l.maxConcurrentQueries)})`;
      } catch {
        el.textContent = 'unavailable';
      }
    }
  };
  void refreshLoad();
  const timer = window.setInterval(() => {
    if (!document.body.contains(body)) {
      window.clearInterval(timer);
      return;
    }
    void refreshLoad();
  }, 5000);
  mount(main,
    h('h1', {}, 'Capacities'),
    h('p', {}, 'A capacity runs the queries of the datasets in its workspaces, within its limits. Embedding with embed tokens needs Active capacities; a suspended capacity refuses embeds.'),
    out, body);
}
