// The Bindery portal: a small single-page app (hash routes, plain DOM) over
// the REST API, for signed-in users. Every page is a function that renders
// into <main> and reads what it needs from the API with the user's token.
import * as auth from './auth';
import { h, mount, notice, errorText } from './dom';
import { workspacesPage, workspacePage } from './pages/workspaces';
import { capacitiesPage } from './pages/capacities';
import { datasetsPage, datasetPage } from './pages/datasets';
import { reportsPage, reportPage } from './pages/reports';
import { previewPage } from './pages/preview';
import { tokensPage } from './pages/tokens';

/** A page renders into main; it gets the route's parameters and query. */
export type PageFn = (main: HTMLElement, params: string[], query: URLSearchParams) => Promise<void> | void;

const routes: [RegExp, PageFn, string][] = [
  [/^\/workspaces$/, workspacesPage, 'workspaces'],
  [/^\/workspaces\/([^/]+)$/, workspacePage, 'workspaces'],
  [/^\/capacities$/, capacitiesPage, 'capacities'],
  [/^\/datasets$/, datasetsPage, 'datasets'],
  [/^\/datasets\/([^/]+)\/([^/]+)$/, datasetPage, 'datasets'],
  [/^\/reports$/, reportsPage, 'reports'],
  [/^\/reports\/([^/]+)\/([^/]+)$/, reportPage, 'reports'],
  [/^\/preview$/, previewPage, 'preview'],
  [/^\/tokens$/, tokensPage, 'tokens'],
];

const navItems: [string, string][] = [
  ['workspaces', 'Workspaces'], ['capacities', 'Capacities'], ['datasets', 'Datasets'],
  ['reports', 'Reports'], ['preview', 'Preview'], ['tokens', 'Embed tokens'],
];

function $(id: string): HTMLElement {
  return document.getElementById(id) as HTMLElement;
}

function renderChrome(s: auth.Session | null, section = ''): void {
  const nav = $('nav');
  const who = $('who');
  if (!s) {
    mount(nav);
    mount(who);
    return;
  }
  mount(nav, h('ul', {}, navItems.map(([k, label]) =>
    h('li', {}, h('a', { href: `#/${k}`, 'aria-current': k === section ? 'page' : null }, label)))));
  mount(who,
    h('span', { class: 'user', title: 'Signed in as' }, s.username),
    h('button', { type: 'button', class: 'secondary', id: 'sign-out', onclick: () => void signOut() }, 'Sign out'));
}

async function signOut(): Promise<void> {
  await auth.signOut();
  location.hash = '';
  signedOut('You are signed out.');
}

function signedOut(message?: string): void {
  renderChrome(null);
  const btn = h('button', { type: 'button', id: 'sign-in', onclick: () => void auth.signIn() }, 'Sign in');
  mount($('main'),
    h('h1', {}, 'Bindery portal'),
    message ? notice('info', message) : null,
    h('p', {}, 'Manage workspaces, capacities, datasets, reports and embed tokens, and preview any report on any dataset you may read.'),
    h('p', {}, 'Sign in with your Bindery account.'),
    btn);
  btn.focus();
}

let renderSeq = 0;

async function route(): Promise<void> {
  const s = auth.current();
  if (!s) return signedOut();
  const raw = location.hash.replace(/^#/, '') || '/workspaces';
  const [path, qs] = raw.split('?', 2);
  const main = $('main');
  const seq = ++renderSeq;
  for (const [re, page, section] of routes) {
    const m = re.exec(path);
    if (!m) continue;
    renderChrome(s, section);
    mount(main, notice('info', 'Loading…'));
    try {
      const holder = h('div');
      await page(holder, m.slice(1).map(decodeURIComponent), new URLSearchParams(qs || ''));
      if (seq !== renderSeq) return; // the user moved on meanwhile
      mount(main, ...Array.from(holder.childNodes));
    } catch (e) {
      if (seq !== renderSeq) return;
      if (!auth.current()) return signedOut('Your session ended. Sign in again.');
      mount(main, h('h1', {}, 'Something went wrong'), notice('error', errorText(e)));
    }
    const h1 = main.querySelector('h1');
    if (h1) {
      h1.setAttribute('tabindex', '-1');
      h1.focus({ preventScroll: true });
      document.title = `${h1.textContent} · Bindery portal`;
    }
    return;
  }
  renderChrome(s);
  mount(main, h('h1', {}, 'Not found'), notice('error', `There is no page at ${path}.`), h('p', {}, h('a', { href: '#/workspaces' }, 'Go to workspaces')));
}

/** Re-renders the current page (after a change). */
export function reload(): void {
  void route();
}

async function boot(): Promise<void> {
  auth.onSessionChange((s) => {
    if (!s) signedOut('Your session ended. Sign in again.');
  });
  if (location.pathname === '/portal/callback') {
    try {
      const back = await auth.completeSignIn(new URLSearchParams(location.search));
      history.replaceState(null, '', '/portal/' + back); // drop the code from the address bar and history
    } catch (e) {
      history.replaceState(null, '', '/portal/');
      signedOut();
      $('main').prepend(notice('error', errorText(e)));
      return;
    }
  }
  auth.resume();
  window.addEventListener('hashchange', () => void route());
  await route();
}

void boot();
