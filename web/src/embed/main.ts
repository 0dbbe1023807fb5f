// Entry point of the embed page (/reportEmbed). It runs synchronously from the
// page's <script> so the protocol listener exists before the iframe's load
// event, when powerbi-client sends POST /report/load (reference §3.4).
import { createTransport } from './transport';
import { registerRoutes } from './routes';
import { Report } from './report';
import { View } from './view';

const root = document.getElementById('bindery-root') ?? document.body.appendChild(document.createElement('div'));
const uidParam = new URLSearchParams(location.search).get('uid') ?? '';
const view = new View(root);
const transport = createTransport(window);
const report = new Report(view, (name, body) => transport.event(report.uid || uidParam, name, body), {
  reportId: root.dataset.reportId || undefined,
  groupId: root.dataset.groupId || undefined,
});
let configured = false;
registerRoutes(transport, report, () => (configured = true));
view.waiting();

// Front-load handshake: had the host missed our load event (its Report object came after the iframe
// loaded), POST /ready/{uid} makes powerbi-client send the configuration as /frontload/config. Asked a
// few times, then never again once a configuration arrived.
window.addEventListener('load', () => {
  for (const ms of [50, 1000, 3000]) {
    setTimeout(() => {
      if (!configured && uidParam && window.parent !== window) transport.ready(uidParam);
    }, ms);
  }
});
