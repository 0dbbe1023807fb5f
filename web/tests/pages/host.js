// The host app's test helper, shared by host.html (Bindery SDK) and the
// pbi-*.html pages (unmodified powerbi-client): one API, window.H, that the
// node tests drive with page.evaluate. It uses only the public SDK API, as an
// application would (plus route A for powerbi-client ≥ 2.23).
(function () {
  const EVENTS = ['loaded', 'rendered', 'error', 'pageChanged', 'dataSelected', 'filtersApplied', 'visualClicked'];
  const skip = new Set(['report', 'page', 'embed', 'service', 'element', 'iframe']);
  const plain = (v) => {
    if (v === undefined) return null;
    const seen = new WeakSet();
    return JSON.parse(JSON.stringify(v, (k, x) => {
      if (skip.has(k)) return undefined;
      if (x && typeof x === 'object') {
        if (seen.has(x)) return undefined;
        seen.add(x);
      }
      return x;
    }));
  };

  const H = {
    ready: false,
    events: {},
    starts: {},
    reports: {},

    async init(lib, kind) {
      H.lib = lib;
      H.kind = kind;
      H.service = new lib.service.Service(lib.factories.hpmFactory, lib.factories.wpmpFactory, lib.factories.routerFactory);
      H.demo = await (await fetch('/api/demo')).json();
      H.ready = true;
    },

    /** Mints an embed token through the app's backend (a GenerateToken V2 body). */
    async mint(body) {
      const r = await fetch('/api/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) });
      const j = await r.json();
      if (!r.ok) throw new Error(`mint ${r.status}: ${JSON.stringify(j)}`);
      return j;
    },

    /** Adds a titled container. */
    slot(id, title) {
      const s = document.createElement('div');
      s.className = 'slot';
      s.innerHTML = `<h3></h3><div class="embed" id="${id}"></div>`;
      s.querySelector('h3').textContent = title || id;
      document.getElementById('slots').appendChild(s);
      return id;
    },

    /** The default configuration for the demo report; `extra` overrides. */
    config(extra) {
      return Object.assign({
        type: 'report', id: H.demo.reportId, groupId: H.demo.groupId, embedUrl: H.demo.embedUrl,
        tokenType: H.lib.models.TokenType.Embed, settings: { filterPaneEnabled: false, navContentPaneEnabled: true },
      }, extra);
    },

    /**
     * Embeds into container `id`. route "embed" is service.embed; route "A" is
     * powerbi-client's pre-created iframe + new Report + addOrOverwriteEmbed.
     * Returns an error string if embed threw synchronously.
     */
    embed(id, extra, route) {
      const el = document.getElementById(id) || document.getElementById(H.slot(id));
      const cfg = H.config(extra);
      H.events[id] = [];
      H.starts[id] = performance.now();
      let report;
      try {
        if (route === 'A') {
          const uid = 'u' + Math.random().toString(36).slice(2, 10);
          const iframe = document.createElement('iframe');
          iframe.src = cfg.embedUrl + (cfg.embedUrl.includes('?') ? '&' : '?') + 'uid=' + uid;
          iframe.style.cssText = 'width:100%;height:100%;border:0';
          el.replaceChildren(iframe);
          report = new H.lib.Report(H.service, el, Object.assign({}, cfg, { uniqueId: uid }), false, false, iframe);
          el.powerBiEmbed = report;
          H.service.addOrOverwriteEmbed(report, el);
        } else {
          report = H.service.embed(el, cfg);
        }
      } catch (e) {
        return 'threw: ' + (e && e.message ? e.message : JSON.stringify(e));
      }
      H.reports[id] = report;
      for (const name of EVENTS.concat(H.kind === 'bindery' ? ['tokenExpiring'] : [])) {
        report.on(name, (ev) => H.events[id].push({ name, detail: plain(ev.detail), t: performance.now() - H.starts[id] }));
      }
      return null;
    },

    /** Number of events seen so far (pass it to wait as `since`). */
    count(id) {
      return (H.events[id] || []).length;
    },

    /** Resolves with the first event `name` at index ≥ since; rejects after timeout with what was seen. */
    wait(id, name, since, timeout) {
      since = since || 0;
      timeout = timeout || 15000;
      const t0 = performance.now();
      return new Promise((resolve, reject) => {
        const tick = () => {
          const evs = H.events[id] || [];
          for (let i = since; i < evs.length; i++) if (evs[i].name === name) return resolve(evs[i]);
          if (performance.now() - t0 > timeout) {
            return reject(new Error(`no ${name} event on ${id} within ${timeout} ms; saw: ${JSON.stringify(evs.slice(since)).slice(0, 1500)}`));
          }
          setTimeout(tick, 10);
        };
        tick();
      });
    },

    /** Calls a method of the report; returns {ok, value} or {ok:false, error} (SDKs reject with plain objects). */
    async call(id, method, ...args) {
      try {
        return { ok: true, value: plain(await H.reports[id][method](...args)) };
      } catch (e) {
        return { ok: false, error: e instanceof Error ? e.message : plain(e) };
      }
    },

    async page(id, name) {
      const pages = await H.reports[id].getPages();
      const p = pages.find((x) => x.name === name);
      if (!p) throw new Error(`no page ${name}: ${pages.map((x) => x.name)}`);
      return p;
    },

    async pages(id) {
      return (await H.reports[id].getPages()).map((p) => ({ name: p.name, displayName: p.displayName, isActive: p.isActive }));
    },

    async visuals(id, pageName) {
      return (await (await H.page(id, pageName)).getVisuals()).map((v) => ({ name: v.name, title: v.title, type: v.type }));
    },

    async visual(id, pageName, visualName) {
      const vs = await (await H.page(id, pageName)).getVisuals();
      const v = vs.find((x) => x.name === visualName);
      if (!v) throw new Error(`no visual ${visualName} on ${pageName}: ${vs.map((x) => x.name)}`);
      return v;
    },

    /** Exports a visual's data as CSV text (0 summarized, 1 underlying). */
    async exportVisual(id, pageName, visualName, type) {
      const v = await H.visual(id, pageName, visualName);
      return (await v.exportData(type || 0)).data;
    },

    /** Calls a filters method on a page (or, with visualName, a visual). */
    async filterCall(id, pageName, visualName, method, ...args) {
      try {
        const target = visualName ? await H.visual(id, pageName, visualName) : await H.page(id, pageName);
        return { ok: true, value: plain(await target[method](...args)) };
      } catch (e) {
        return { ok: false, error: e instanceof Error ? e.message : plain(e) };
      }
    },

    regionFilter(regions) {
      return {
        $schema: 'http://powerbi.com/product/schema#basic', target: { table: 'Store', column: 'Region' },
        operator: 'In', values: regions, filterType: 1,
      };
    },
  };
  window.H = H;
})();
