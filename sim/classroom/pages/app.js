/* app.js: the one script of brandsim's classroom pages (join, team, teacher, projector,
 * debrief), served at /app.js. Vanilla ES2017, no libraries, nothing fetched from elsewhere.
 * Each page's <body data-page="..."> says which part runs. It talks to the JSON interface of
 * docs/CLASSROOM-HTTP.md. Text from the server (team names, statements, forecasts, news,
 * voices, error messages) is only ever inserted as text (textContent, createElement),
 * never as HTML. */
(function () {
  'use strict';

  /* ------------------------------------------------------------------ DOM helpers */

  function byId(id) { return document.getElementById(id); }

  function addKids(node, kids) {
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      if (k === null || k === undefined || k === false) continue;
      if (Array.isArray(k)) addKids(node, k);
      else if (typeof k === 'object') node.appendChild(k);
      else node.appendChild(document.createTextNode(String(k)));
    }
    return node;
  }

  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      const v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') node.textContent = String(v);
      else if (k.slice(0, 2) === 'on' && typeof v === 'function') node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    });
  }

  /* el('p', {class: 'x'}, 'text', child, [more]): strings become text nodes. */
  function el(tag, attrs) {
    const n = document.createElement(tag);
    setAttrs(n, attrs);
    return addKids(n, Array.prototype.slice.call(arguments, 2));
  }

  const SVGNS = 'http://www.w3.org/2000/svg';
  function sv(tag, attrs) {
    const n = document.createElementNS(SVGNS, tag);
    setAttrs(n, attrs);
    return addKids(n, Array.prototype.slice.call(arguments, 2));
  }

  function heading(level, text, attrs) {
    return el('h' + Math.min(6, Math.max(1, level)), attrs || null, text);
  }

  /* Replaces a container's children; the element that had focus inside it (found again by
   * its data-key) gets it back, so that polling does not pull focus from under the user. */
  function setKids(container, kids) {
    const a = document.activeElement;
    const key = a && a !== document.body && container.contains(a) ? a.getAttribute('data-key') : null;
    while (container.firstChild) container.removeChild(container.firstChild);
    addKids(container, Array.isArray(kids) ? kids : [kids]);
    if (key) {
      const all = container.querySelectorAll('[data-key]');
      for (let i = 0; i < all.length; i++) {
        if (all[i].getAttribute('data-key') === key) { all[i].focus(); break; }
      }
    }
  }

  /* Rebuilds a container only when its data changed. */
  function renderIfChanged(container, data, build) {
    const sig = JSON.stringify(data);
    if (container.bsSig === sig) return false;
    container.bsSig = sig;
    setKids(container, build(data));
    return true;
  }

  function setText(id, text) {
    const n = byId(id);
    if (n && n.textContent !== text) n.textContent = text;
  }

  function show(id, visible) {
    const n = byId(id);
    if (n) n.hidden = !visible;
  }

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  /* ------------------------------------------------------------------ credentials */

  const store = {
    get: function (k) { try { return window.localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { window.localStorage.setItem(k, v); } catch (e) { /* storage off: the hash still works for this visit */ } },
    del: function (k) { try { window.localStorage.removeItem(k); } catch (e) { /* nothing stored */ } },
  };

  function hashParams() { return new URLSearchParams(location.hash.replace(/^#/, '')); }

  /* A credential in the hash (#token=...): stored, then removed from the visible URL. */
  function takeFromHash(name, storageKey) {
    const p = hashParams();
    const v = (p.get(name) || '').trim();
    if (!v) return null;
    store.set(storageKey, v);
    p.delete(name);
    const rest = p.toString();
    history.replaceState(history.state, '', location.pathname + location.search + (rest ? '#' + rest : ''));
    return v;
  }

  function credential(name, storageKey) {
    return takeFromHash(name, storageKey) || store.get(storageKey);
  }

  const KEYS = { token: 'brandsim.token', key: 'brandsim.key', code: 'brandsim.code' };

  /* ------------------------------------------------------------------ the JSON interface */

  function apiError(status, message) {
    const e = new Error(message);
    e.status = status;
    return e;
  }

  async function api(method, path, cred, body) {
    const headers = { Accept: 'application/json' };
    if (cred) headers.Authorization = 'Bearer ' + cred;
    const init = { method: method, headers: headers, cache: 'no-store', credentials: 'omit' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res, text;
    try {
      res = await fetch(path, init);
      text = await res.text();
    } catch (e) {
      throw apiError(0, 'The classroom server cannot be reached: check the network connection. The page keeps trying.');
    }
    let data = null;
    if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
    if (!res.ok) {
      const msg = data && typeof data.error === 'string' && data.error
        ? data.error : 'The server answered ' + res.status + (res.statusText ? ' ' + res.statusText : '') + '.';
      throw apiError(res.status, msg);
    }
    if (data === null || typeof data !== 'object') throw apiError(res.status, 'The server sent an answer that is not JSON.');
    return data;
  }

  /* Status and error messages, in the page's two live regions. Errors from polling
   * ('poll') clear themselves when polling works again; errors of an action stay until the
   * next action. */
  function Notices(statusEl, errorEl) {
    let lastStatus = '', lastError = '', errorKind = '', timer = null;
    return {
      say: function (msg) {
        if (!statusEl) return;
        clearTimeout(timer);
        if (msg === lastStatus) {           /* the same words again: empty, then refill, to re-announce */
          statusEl.textContent = '';
          timer = setTimeout(function () { statusEl.textContent = msg; }, 100);
        } else {
          statusEl.textContent = msg;
        }
        lastStatus = msg;
      },
      error: function (msg, kind) {
        kind = kind || 'action';
        if (msg === lastError && kind === errorKind) return;
        lastError = msg;
        errorKind = kind;
        setKids(errorEl, el('p', null, el('strong', null, 'Error: '), msg));
      },
      clear: function (kind) {
        if (!lastError || (kind && kind !== errorKind)) return;
        lastError = '';
        errorKind = '';
        setKids(errorEl, []);
      },
    };
  }

  /* A write: the body (made at each try, so it carries the latest seq) is POSTed; on 503
   * (a round being computed) it is sent again after a second; on 409 the page's state is
   * fetched again and the server's message shown; any other error is shown. Returns the
   * reply, or null. */
  async function write(path, cred, makeBody, notes, refetch) {
    notes.clear();
    for (let i = 0; i < 120; i++) {
      try {
        return await api('POST', path, cred, makeBody());
      } catch (e) {
        if (e.status === 503) {
          if (i === 0) notes.say('A round is being computed: the request is sent again in a second…');
          await sleep(1000);
          continue;
        }
        notes.error(e.message, 'action');
        if (e.status === 409 && refetch) {
          try { await refetch(); } catch (e2) { /* polling shows it */ }
        }
        return null;
      }
    }
    notes.error('The server stayed busy computing for two minutes: please try again.', 'action');
    return null;
  }

  /* Polls fn every period() ms; now() polls at once (fn must tolerate overlap). */
  function startPolling(fn, period) {
    let timer = null, stopped = false;
    async function tick() {
      clearTimeout(timer);
      if (stopped) return;
      try { await fn(); } catch (e) { /* fn reports its own errors */ }
      if (!stopped) timer = setTimeout(tick, period());
    }
    tick();
    return {
      now: tick,
      stop: function () { stopped = true; clearTimeout(timer); },
    };
  }

  /* Loads with a generation count, so that a slow, older answer never overwrites a newer one. */
  function Loader(get, apply, fail) {
    let gen = 0, applied = 0;
    return async function load() {
      const my = ++gen;
      let data;
      try { data = await get(); } catch (e) { if (my > applied) fail(e); return; }
      if (my < applied) return;
      applied = my;
      apply(data);
    };
  }

  /* ------------------------------------------------------------------ formats */

  function nf(min, max) {
    return new Intl.NumberFormat(undefined, { minimumFractionDigits: min, maximumFractionDigits: max });
  }
  const F0 = nf(0, 0), F1 = nf(1, 1), F2 = nf(2, 2), F3 = nf(3, 3);
  const NONE = '—';
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function pct(v) { return isNum(v) ? F1.format(v * 100) + ' %' : NONE; }
  function pct0(v) { return isNum(v) ? F0.format(v * 100) + ' %' : NONE; }
  function money(v) { return isNum(v) ? F0.format(v) : NONE; }
  function whole(v) { return isNum(v) ? F0.format(v) : NONE; }
  function signed(v) {
    if (!isNum(v)) return NONE;
    const s = F1.format(Math.abs(v));
    return v > 0.05 ? '+' + s : v < -0.05 ? '−' + s : s;
  }
  function clock(s) {
    s = Math.max(0, Math.ceil(s));
    const m = Math.floor(s / 60);
    return m + ':' + String(s % 60).padStart(2, '0');
  }
  function marketName(m) { return 'Market ' + (Number(m) + 1); }
  function roundName(r) { return 'Round ' + (Number(r) + 1); }
  function weeksText(w) {
    return Array.isArray(w) && w.length === 2 ? 'weeks ' + w[0] + '–' + w[1] : '';
  }
  const PHASES = { lobby: 'Lobby', practice: 'Practice', competition: 'Competition', over: 'Game over' };
  function phaseName(p) { return PHASES[p] || String(p); }
  function roundText(c) {
    if (c.phase === 'lobby') return 'Not started';
    if (c.round >= c.rounds) return 'All ' + c.rounds + ' rounds played';
    return 'Round ' + (c.round + 1) + ' of ' + c.rounds;
  }
  function isOpen(c) {
    return (c.phase === 'practice' || c.phase === 'competition') && c.round < c.rounds;
  }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  /* Spoken when the class moves on (computing, a round played, a new phase). */
  function announceChanges(prev, c, notes) {
    if (!prev) return;
    if (c.phase !== prev.phase) {
      if (c.phase === 'practice') notes.say('The practice has started. Round 1 of ' + c.rounds + ' is open for decisions.');
      else if (c.phase === 'competition') notes.say('The competition has started with fresh markets. Round 1 of ' + c.rounds + ' is open for decisions.');
      else if (c.phase === 'over') notes.say('The game is over. The debrief is open.');
      else notes.say('Phase: ' + phaseName(c.phase) + '.');
    } else if (c.round > prev.round) {
      notes.say(roundName(prev.round) + ' has been played: its newsletter is out. ' +
        (c.round < c.rounds ? roundName(c.round) + ' is open for decisions.' : 'That was the last round.'));
    } else if (c.computing && !prev.computing) {
      notes.say(roundName(c.round) + ' is being computed…');
    }
  }

  /* The countdown of the teacher's timer, between polls. */
  function Countdown(node, notes) {
    let end = null, warned = false;
    function draw() {
      if (!node) return;
      const t = end === null ? 'no timer' : clock((end - Date.now()) / 1000);
      if (node.textContent !== t) node.textContent = t;
      if (end !== null && notes && !warned) {
        const left = (end - Date.now()) / 1000;
        if (left <= 60 && left > 50) { warned = true; notes.say('One minute left in this round.'); }
      }
    }
    setInterval(draw, 500);
    return {
      set: function (seconds) {
        const e = isNum(seconds) ? Date.now() + seconds * 1000 : null;
        if (e === null || end === null || Math.abs(e - end) > 1500) end = e;  /* no jitter */
        if (e === null || seconds > 60) warned = false;
        draw();
      },
    };
  }

  async function copyText(text, what, notes) {
    let ok = false;
    const back = document.activeElement;
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(text); ok = true; } catch (e) { ok = false; }
    }
    if (!ok) {            /* plain http on a LAN is no secure context: the old way */
      const ta = el('textarea', { readonly: true, class: 'offscreen', 'aria-hidden': 'true', tabindex: '-1' });
      ta.value = text;
      document.body.appendChild(ta);
      ta.select();
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(ta);
      if (back && back.focus) back.focus();
    }
    notes.say(ok ? what + ' copied.' : 'Could not copy: select the link and copy it by hand.');
  }

  /* ------------------------------------------------------------------ market views */

  function brandEntry(market, brand) {
    const list = (market && market.brands) || [];
    for (let i = 0; i < list.length; i++) if (list[i].brand === brand) return list[i];
    return null;
  }

  /* "Blue Herons", "computer (steward)" or "no team". */
  function holderText(market, brand, team) {
    if (team) return team;
    const b = brandEntry(market, brand);
    if (b && b.computer) return 'computer (' + b.computer + ')';
    if (b && b.team) return b.team;
    return 'no team (keeps its course)';
  }

  /* A table in a box that scrolls sideways on a phone. Its caption is read by screen readers
   * and names the scrolling region; the visible title sits outside the box, so that it does
   * not scroll away. */
  let tableSeq = 0;
  function tableWrap(label, table) {
    const cap = table.querySelector('caption');
    const id = 'tbl' + (++tableSeq);
    let title = null;
    if (cap) {
      cap.id = id;
      if (!/(^| )vh( |$)/.test(cap.className)) {
        cap.className = 'vh';
        title = el('p', { class: 'table-title', 'aria-hidden': 'true' }, label);
      }
    }
    return el('div', { class: 'table-block' }, title,
      el('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': cap ? id : null, 'aria-label': cap ? null : label, tabindex: '0' }, table));
  }

  function th(text, cls) { return el('th', { scope: 'col', class: cls || null }, text); }
  function td(text, cls) { return el('td', { class: cls || null }, text); }

  function newsletterTable(market, nl, own) {
    const caption = roundName(nl.round) + (nl.weeks ? ' (' + weeksText(nl.weeks) + ')' : '') +
      ', ' + marketName(market.market) + ': results by brand';
    const head = el('tr', null, th('Brand'), th('Team'), th('Share', 'num'), th('Revenue', 'num'),
      th('Net', 'num'), th('Score vs counterfactual', 'num'), th('Total score', 'num'),
      th('Revenge acts', 'num'), th('Repeat rate', 'num'));
    const rows = (nl.rows || []).map(function (r) {
      const mine = own && r.brand === own;
      return el('tr', { class: mine ? 'own' : null },
        el('th', { scope: 'row' }, r.brand, mine ? el('span', { class: 'you' }, ' (you)') : null),
        td(holderText(market, r.brand, r.team)),
        td(pct(r.share), 'num'), td(money(r.revenue), 'num'), td(money(r.net), 'num'),
        td(signed(r.score), 'num'), td(signed(r.total_score), 'num'),
        td(whole(r.revenge_acts), 'num'), td(pct0(r.repeat_rate), 'num'));
    });
    return tableWrap(caption, el('table', { class: 'data' }, el('caption', null, caption),
      el('thead', null, head), el('tbody', null, rows)));
  }

  function newsList(news) {
    if (!news || !news.length) return el('p', { class: 'muted' }, 'No news this round.');
    return el('ul', { class: 'news' }, news.map(function (n) { return el('li', null, String(n)); }));
  }

  function voicesList(voices, max) {
    const v = (voices || []).slice(0, max || 100);
    if (!v.length) return el('p', { class: 'muted' }, 'No customer voices this round.');
    return el('div', { class: 'quotes' }, v.map(function (x) {
      return el('figure', { class: 'quote' }, el('blockquote', null, el('p', null, String(x.text))),
        el('figcaption', null, '— ' + String(x.who)));
    }));
  }

  function statementsList(market, nl) {
    const st = (nl.rows || []).filter(function (r) { return r.statement; });
    if (!st.length) return el('p', { class: 'muted' }, 'No public statements this round.');
    return el('div', { class: 'quotes' }, st.map(function (r) {
      return el('figure', { class: 'quote statement' }, el('blockquote', null, el('p', null, String(r.statement))),
        el('figcaption', null, '— ' + r.brand + ' (' + holderText(market, r.brand, r.team) + ')'));
    }));
  }

  /* A newsletter: the table, news, voices, statements; sub-headings at `level`. */
  function newsletterView(market, nl, level, own) {
    return [
      newsletterTable(market, nl, own),
      el('p', { class: 'note' }, 'Score: the round\'s net contribution minus what the team\'s brand would have made had the team kept its course (same market, same seed). Computer brands and brands without a team have no score.'),
      heading(level, 'News'), newsList(nl.news),
      heading(level, 'Customer voices'), voicesList(nl.voices),
      heading(level, 'Public statements'), statementsList(market, nl),
    ];
  }

  function seatsList(market) {
    return el('ul', { class: 'seats' }, (market.brands || []).map(function (b) {
      return el('li', null, el('strong', null, b.brand), ': ', holderText(market, b.brand, b.team));
    }));
  }

  function latest(market) {
    const n = (market && market.newsletters) || [];
    return n.length ? n[n.length - 1] : null;
  }

  /* A page with no credential, or a refused one. */
  function showBlocked(containerId, title, text, links) {
    const box = byId(containerId);
    if (!box) return;
    setKids(box, [heading(2, title), el('p', null, text),
      links && links.length ? el('p', null, links.map(function (l, i) {
        return [i ? ' · ' : '', el('a', { href: l[0] }, l[1])];
      })) : null]);
    box.hidden = false;
  }

  /* ================================================================== join page (/) */

  function pageJoin() {
    const notes = Notices(byId('status'), byId('errors'));
    const form = byId('join-form');
    const code = byId('join-code');
    const team = byId('join-team');
    const hashCode = hashParams().get('code');
    if (hashCode) code.value = hashCode.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 6);

    code.addEventListener('input', function () {
      const start = code.selectionStart;
      const up = code.value.toUpperCase();
      if (up !== code.value) { code.value = up; try { code.setSelectionRange(start, start); } catch (e) { /* ok */ } }
      code.removeAttribute('aria-invalid');
    });
    team.addEventListener('input', function () { team.removeAttribute('aria-invalid'); });

    function showForm(focus) {
      form.hidden = false;
      if (focus) (code.value ? team : code).focus();
    }

    const token = store.get(KEYS.token);
    if (token) {
      form.hidden = true;
      show('continue', true);
      setText('continue-text', 'Checking the team saved in this browser…');
      byId('continue-go').hidden = true;
      api('GET', '/api/team', token).then(function (d) {
        setText('continue-text', 'This browser is already playing as ' + d.team.name + ' (brand ' + d.team.brand + ', ' + marketName(d.team.market) + ').');
        const go = byId('continue-go');
        go.textContent = 'Continue as ' + d.team.name;
        go.hidden = false;
      }).catch(function (e) {
        if (e.status === 401 || e.status === 403) {
          store.del(KEYS.token);
          show('continue', false);
          showForm(false);
          notes.say('The team saved in this browser is not in this class any more: join again.');
        } else {
          setText('continue-text', 'A team is saved in this browser, but the server did not answer: ' + e.message);
          const go = byId('continue-go');
          go.textContent = 'Continue with the saved team';
          go.hidden = false;
        }
      });
    } else {
      showForm(false);
    }
    byId('continue-go').addEventListener('click', function () { location.assign('/team'); });
    byId('continue-new').addEventListener('click', function () {
      show('continue', false);
      showForm(true);
    });

    let busy = false;
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      if (busy) return;
      const c = code.value.trim().toUpperCase();
      const name = team.value.trim();
      code.value = c;
      if (!/^[A-Z0-9]{6}$/.test(c)) {
        code.setAttribute('aria-invalid', 'true');
        notes.error('The join code has 6 letters and digits: copy it from the teacher\'s screen.');
        code.focus();
        return;
      }
      if (!/^[A-Za-z0-9 \-_.'&]{1,24}$/.test(name)) {
        team.setAttribute('aria-invalid', 'true');
        notes.error('The team name needs 1 to 24 characters: letters, digits, spaces and - _ . \' &.');
        team.focus();
        return;
      }
      busy = true;
      const btn = byId('join-submit');
      btn.setAttribute('aria-disabled', 'true');   /* not disabled: the focus stays on it */
      notes.clear();
      notes.say('Joining…');
      try {
        const r = await api('POST', '/api/join', null, { code: c, team: name });
        store.set(KEYS.token, r.token);
        notes.say('Joined as ' + name + ': brand ' + r.brand + ', ' + marketName(r.market) + '. Opening your team page…');
        location.assign('/team');
      } catch (e) {
        notes.say('');
        notes.error(e.message);
        if (e.status === 409 && /name/i.test(e.message)) { team.setAttribute('aria-invalid', 'true'); team.focus(); }
        else if (e.status === 401 || e.status === 403) { code.setAttribute('aria-invalid', 'true'); code.focus(); }
      } finally {
        busy = false;
        btn.removeAttribute('aria-disabled');
      }
    });
  }

  /* ================================================================== team page (/team) */

  const SLIDERS = ['personalization', 'transparency', 'control'];

  function pageTeam() {
    const notes = Notices(byId('status'), byId('errors'));
    const token = credential('token', KEYS.token);
    if (!token) {
      show('team-main', false);
      showBlocked('blocked', 'No team in this browser', 'Join the game first, or open the team link your teacher gave you (it ends in #token=…).', [['/', 'Join the game']]);
      return;
    }
    const form = byId('decide-form');
    const countdown = Countdown(byId('h-timer'), notes);
    let state = null, formKey = null, dirty = false, decisionSig = null, nlChoice = null, submitting = false;

    const load = Loader(function () { return api('GET', '/api/team', token); }, apply, function (e) {
      if (e.status === 401 || e.status === 403) {
        poll.stop();
        show('team-main', false);
        showBlocked('blocked', 'This team link does not work', 'The server refused this browser\'s team token (' + e.message + '). The class may have been restarted: join again, or ask your teacher for your team link.', [['/', 'Join the game']]);
        return;
      }
      notes.error(e.message, 'poll');
    });
    const poll = startPolling(load, function () { return state && state.class.computing ? 1000 : 2000; });

    /* ---- the form ---- */
    SLIDERS.forEach(function (k) {
      const range = byId(k + '-range'), num = byId(k);
      range.addEventListener('input', function () { num.value = Number(range.value).toFixed(2); });
      num.addEventListener('input', function () {
        if (num.value !== '' && isFinite(Number(num.value))) range.value = num.value;
      });
    });
    function counter(inputId, outId, max) {
      const i = byId(inputId);
      function upd() { setText(outId, Array.from(i.value).length + ' of ' + max + ' characters'); }
      i.addEventListener('input', upd);
      upd();
      return upd;
    }
    const updStatement = counter('statement', 'statement-count', 280);
    const updForecast = counter('forecast', 'forecast-count', 140);
    form.addEventListener('input', function (ev) {
      dirty = true;
      if (ev.target && ev.target.removeAttribute) ev.target.removeAttribute('aria-invalid');
      if (state) submitState(state.class, state.team);
    });
    form.addEventListener('change', function () { dirty = true; });

    function fill(d) {
      if (!d) return;
      byId('price').value = isNum(d.price) ? String(d.price) : '';
      SLIDERS.forEach(function (k) {
        byId(k).value = isNum(d[k]) ? String(d[k]) : '';
        if (isNum(d[k])) byId(k + '-range').value = String(d[k]);
      });
      ['norm', 'exit_policy', 'breach_response'].forEach(function (name) {
        const radios = form.querySelectorAll('input[name="' + name + '"]');
        for (let i = 0; i < radios.length; i++) radios[i].checked = radios[i].value === d[name];
      });
      byId('response_delay').value = isNum(d.response_delay) ? String(d.response_delay) : '';
      byId('statement').value = d.statement || '';
      byId('forecast').value = d.forecast || '';
      byId('research').checked = !!d.research;
      updStatement();
      updForecast();
    }

    function bad(input, msg) {
      const e = new Error(msg);
      e.input = input;
      return e;
    }
    function read() {
      function num(id, lo, hi, label, whole) {
        const n = byId(id);
        const v = n.value.trim() === '' ? NaN : Number(n.value);
        if (!isFinite(v) || v < lo || v > hi || (whole && v !== Math.floor(v))) {
          throw bad(n, label + ': ' + (whole ? 'a whole number' : 'a number') + ' from ' + lo + ' to ' + hi + ' expected.');
        }
        return v;
      }
      function radio(name, label) {
        const c = form.querySelector('input[name="' + name + '"]:checked');
        if (!c) throw bad(form.querySelector('input[name="' + name + '"]'), label + ': choose one.');
        return c.value;
      }
      return {
        price: num('price', 0.5, 2, 'Price'),
        personalization: num('personalization', 0, 1, 'Personalization'),
        transparency: num('transparency', 0, 1, 'Transparency'),
        control: num('control', 0, 1, 'Control'),
        norm: radio('norm', 'How you treat customers'),
        exit_policy: radio('exit_policy', 'Customers who leave'),
        breach_response: radio('breach_response', 'Breach response'),
        response_delay: num('response_delay', 0, 13, 'Response delay', true),
        statement: byId('statement').value,
        forecast: byId('forecast').value,
        research: byId('research').checked,
      };
    }

    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      if (submitting || !state) return;
      let dec;
      try { dec = read(); } catch (x) {
        if (x.input) { x.input.setAttribute('aria-invalid', 'true'); x.input.focus(); }
        notes.error(x.message);
        return;
      }
      if (Array.from(dec.statement).length > 280) { notes.error('The public statement has at most 280 characters.'); byId('statement').focus(); return; }
      if (Array.from(dec.forecast).length > 140) { notes.error('The forecast has at most 140 characters.'); byId('forecast').focus(); return; }
      const round = state.class.round;
      const btn = byId('decide-submit');
      submitting = true;
      btn.setAttribute('aria-disabled', 'true');   /* not disabled: the focus stays on it */
      const r = await write('/api/decide', token, function () {
        return Object.assign({ seq: state.team.seq, round: round }, dec);
      }, notes, load);
      submitting = false;
      btn.removeAttribute('aria-disabled');
      if (r) {
        if (isNum(r.seq)) state.team.seq = r.seq;
        state.team.submitted = true;
        dirty = false;
        decisionSig = null;
        notes.say('Submitted for round ' + (round + 1) + ' — you can change it until the round is played.');
        submitState(state.class, state.team);
        load();
      }
    });

    function submitState(c, t) {
      let s;
      if (!isOpen(c)) s = '';
      else if (c.computing) s = roundName(c.round) + ' is being computed…';
      else if (t.submitted && dirty) s = '✓ Submitted for round ' + (c.round + 1) + ', but you have changed the form since: submit again to keep the changes.';
      else if (t.submitted) s = '✓ Submitted for round ' + (c.round + 1) + ' — you can change it until the round is played.';
      else s = 'Not submitted yet for round ' + (c.round + 1) + '. If you do not submit, your brand keeps the course in this form.';
      setText('submit-state', s);
      byId('submit-state').className = t.submitted ? 'submit-state done' : 'submit-state';
    }

    function renderForm(c, t) {
      const key = c.phase + ':' + c.round;
      const sig = JSON.stringify(t.decision);
      if (key !== formKey) {          /* a new round: the form shows the server's decision */
        fill(t.decision);
        formKey = key;
        dirty = false;
        decisionSig = sig;
      } else if (!dirty && sig !== decisionSig) {
        fill(t.decision);             /* changed elsewhere (a teammate's phone), not edited here */
        decisionSig = sig;
      }
      const open = isOpen(c);
      const fs = byId('decide-fields');
      const dis = !open || c.computing;
      if (fs.disabled !== dis) fs.disabled = dis;
      setText('decide-round', open ? ' for round ' + (c.round + 1) + ' of ' + c.rounds : '');
      let why = '';
      if (c.phase === 'lobby') why = 'Decisions open when the teacher starts the game.';
      else if (c.phase === 'over') why = 'The game is over: see the debrief.';
      else if (!open) why = 'All rounds have been played.';
      else if (c.computing) why = 'The round is being computed: the form opens again in a moment.';
      setText('decide-closed', why);
      show('decide-closed', !!why);
      const credits = isNum(t.research_credits) ? t.research_credits : 0;
      setText('research-credits', plural(credits, 'credit', 'credits') + ' left');
      const rb = byId('research');
      const rdis = credits <= 0 && !rb.checked;
      if (rb.disabled !== rdis) rb.disabled = rdis;
      submitState(c, t);
    }

    /* ---- the sections ---- */
    function renderInbox(inbox) {
      renderIfChanged(byId('inbox-list'), inbox || [], function (items) {
        if (!items.length) return el('p', { class: 'muted' }, 'No messages yet.');
        const sorted = items.map(function (m, i) { return { m: m, i: i }; })
          .sort(function (a, b) { return (b.m.round - a.m.round) || (b.i - a.i); });
        function item(x) {
          const m = x.m;
          const alert = m.kind === 'alert';
          return el('li', null, el('article', { class: 'message' + (alert ? ' message-alert' : '') },
            heading(3, (alert ? 'Alert: ' : '') + String(m.subject || '(no subject)')),
            el('p', { class: 'meta' }, roundName(m.round), ' · from ', String(m.from || 'unknown'), m.kind ? ' · ' + m.kind : ''),
            el('p', { class: 'message-text' }, String(m.text || ''))));
        }
        const SHOWN = 3;          /* the newest; older ones fold away (phones) */
        return [el('ol', { class: 'inbox' }, sorted.slice(0, SHOWN).map(item)),
          sorted.length > SHOWN ? el('details', { class: 'older' },
            el('summary', { 'data-key': 'older-inbox' }, 'Older messages (' + (sorted.length - SHOWN) + ')'),
            el('ol', { class: 'inbox' }, sorted.slice(SHOWN).map(item))) : null];
      });
    }

    function renderNewsletter(market, own) {
      const nls = (market && market.newsletters) || [];
      const sel = byId('nl-round');
      const optSig = nls.map(function (n) { return n.round; }).join(',');
      if (sel.bsSig !== optSig) {
        sel.bsSig = optSig;
        setKids(sel, nls.map(function (n, i) {
          return el('option', { value: String(i) }, roundName(n.round) + (n.weeks ? ' (' + weeksText(n.weeks) + ')' : '') + (i === nls.length - 1 ? ', latest' : ''));
        }));
      }
      let idx = nls.length - 1;
      if (nlChoice !== null) {
        for (let i = 0; i < nls.length; i++) if (nls[i].round === nlChoice) idx = i;
      }
      if (nls.length && sel.value !== String(idx)) sel.value = String(idx);
      show('nl-picker', nls.length > 1);
      const nl = idx >= 0 ? nls[idx] : null;
      renderIfChanged(byId('nl-body'), { nl: nl, brands: market && market.brands, own: own }, function () {
        if (!nl) return [el('p', { class: 'muted' }, 'No newsletter yet: the first comes out when round 1 has been played.'),
          heading(3, 'Who runs which brand'), seatsList(market || {})];
        return newsletterView(market, nl, 3, own);
      });
    }
    byId('nl-round').addEventListener('change', function () {
      const nls = state.market.newsletters || [];
      const i = Number(byId('nl-round').value);
      nlChoice = i >= nls.length - 1 ? null : nls[i].round;
      renderNewsletter(state.market, state.team.brand);
    });

    function renderReports(reports) {
      renderIfChanged(byId('reports-body'), reports || [], function (rs) {
        if (!rs.length) return el('p', { class: 'muted' }, 'No reports yet. Tick "buy a market research report" with your decisions: the report comes with the round\'s results.');
        return rs.slice().sort(function (a, b) { return b.round - a.round; }).map(function (rep) {
          const cap = roundName(rep.round) + ': your customers by segment';
          return tableWrap(cap, el('table', { class: 'data' }, el('caption', null, cap),
            el('thead', null, el('tr', null, th('Segment'), th('Customers', 'num'), th('Repeat rate', 'num'),
              th('Mean revenge', 'num'), th('Mean betrayal', 'num'), th('Exits', 'num'), th('Defections out', 'num'))),
            el('tbody', null, (rep.segments || []).map(function (s) {
              return el('tr', null, el('th', { scope: 'row' }, String(s.segment)), td(whole(s.customers), 'num'),
                td(pct0(s.repeat_rate), 'num'), td(isNum(s.mean_revenge) ? F3.format(s.mean_revenge) : NONE, 'num'),
                td(isNum(s.mean_betrayal) ? F3.format(s.mean_betrayal) : NONE, 'num'),
                td(whole(s.exits), 'num'), td(whole(s.defections_out), 'num'));
            }))));
        });
      });
    }

    function apply(d) {
      notes.clear('poll');
      const prev = state;
      state = d;
      const c = d.class, t = d.team;
      announceChanges(prev && prev.class, c, notes);
      setText('h-team', t.name);
      if (document.title !== t.name + ' · brandsim classroom') document.title = t.name + ' · brandsim classroom';
      setText('h-brand', t.brand);
      setText('h-market', marketName(t.market));
      setText('h-phase', phaseName(c.phase));
      setText('h-round', roundText(c));
      setText('h-submitted', !isOpen(c) ? NONE : t.submitted ? '✓ submitted' : 'not yet');
      countdown.set(c.deadline_s);
      show('computing', !!c.computing);
      show('debrief-link', c.phase === 'over' || c.round > 0);
      renderInbox(d.inbox);
      renderNewsletter(d.market, t.brand);
      renderForm(c, t);
      renderReports(d.reports);
    }
  }

  /* ================================================================== teacher page */

  function pageTeacher() {
    const notes = Notices(byId('status'), byId('errors'));
    const key = credential('key', KEYS.key);
    if (!key) {
      show('teacher-main', false);
      show('key-form', true);
      byId('key-form').addEventListener('submit', function (ev) {
        ev.preventDefault();
        const v = byId('key-input').value.trim();
        if (!v) return;
        store.set(KEYS.key, v);
        location.reload();
      });
      return;
    }
    const countdown = Countdown(byId('h-timer'), null);
    let state = null, busy = false, timerDirty = false;

    const load = Loader(function () { return api('GET', '/api/teacher', key); }, apply, function (e) {
      if (e.status === 401 || e.status === 403) {
        poll.stop();
        store.del(KEYS.key);
        show('teacher-main', false);
        showBlocked('blocked', 'This teacher key does not work', 'The server refused the key (' + e.message + '). Open the teacher link the server printed when it started (/teacher#key=…).', null);
        return;
      }
      notes.error(e.message, 'poll');
    });
    const poll = startPolling(load, function () { return state && state.class.computing ? 1000 : 2000; });

    async function act(action, extra, done) {
      if (busy || !state) return;
      busy = true;
      controls();
      const r = await write('/api/teacher', key, function () {
        return Object.assign({ seq: state.class.seq, action: action }, extra || {});
      }, notes, load);
      busy = false;
      if (r) {
        if (isNum(r.seq)) state.class.seq = r.seq;
        if (done) done();
        load();
      }
      controls();
    }

    function confirmBox(title, text, ok) {
      const dlg = byId('confirm');
      if (!dlg || typeof dlg.showModal !== 'function') return Promise.resolve(window.confirm(title + '\n\n' + text));
      setText('confirm-title', title);
      setText('confirm-text', text);
      setText('confirm-ok', ok);
      return new Promise(function (resolve) {
        dlg.returnValue = '';
        dlg.addEventListener('close', function once() {
          dlg.removeEventListener('close', once);
          resolve(dlg.returnValue === 'ok');
        });
        dlg.showModal();
        byId('confirm-cancel').focus();
      });
    }

    function usable(id) { return byId(id).getAttribute('aria-disabled') !== 'true'; }
    byId('btn-practice').addEventListener('click', function () {
      if (!usable('btn-practice')) return;
      act('start_practice', null, function () { notes.say('Practice started: fresh markets.'); });
    });
    byId('btn-competition').addEventListener('click', async function () {
      if (!usable('btn-competition')) return;
      const yes = await confirmBox('Start the competition?',
        'Every market starts again fresh (the practice is kept in the state folder). The teams keep their names and seats. This cannot be undone.',
        'Start the competition');
      if (yes) act('start_competition', null, function () { notes.say('The competition has started: fresh markets.'); });
      else byId('btn-competition').focus();
    });
    byId('btn-advance').addEventListener('click', function () {
      if (!usable('btn-advance')) return;
      const r = state ? state.class.round : 0;
      act('advance', null, function () { notes.say(roundName(r) + ' is being played now…'); });
    });
    byId('btn-end').addEventListener('click', async function () {
      if (!usable('btn-end')) return;
      const yes = await confirmBox('End the game?', 'No more rounds can be played after this. The debrief stays open.', 'End the game');
      if (yes) act('end', null, function () { notes.say('The game is over.'); });
      else byId('btn-end').focus();
    });
    const timerIn = byId('timer-seconds');
    timerIn.addEventListener('input', function () { timerDirty = true; timerIn.removeAttribute('aria-invalid'); });
    byId('timer-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      const v = Number(timerIn.value);
      if (timerIn.value.trim() === '' || !Number.isInteger(v) || v < 0 || v > 3600) {
        timerIn.setAttribute('aria-invalid', 'true');
        notes.error('Timer: a whole number of seconds from 0 to 3600 expected (0: no timer).');
        timerIn.focus();
        return;
      }
      act('timer', { seconds: v }, function () {
        timerDirty = false;
        notes.say(v ? 'Timer set: ' + clock(v) + ' for every round from now.' : 'Timer off.');
      });
    });
    ['copy-join', 'copy-projector', 'copy-debrief'].forEach(function (id) {
      byId(id).addEventListener('click', function () {
        const a = byId(id.replace('copy-', 'link-'));
        copyText(a.href, byId(id).getAttribute('data-what'), notes);
      });
    });

    function controls() {
      if (!state) return;
      const c = state.class;
      const can = {
        'btn-practice': c.phase === 'lobby',
        'btn-competition': c.phase === 'lobby' || c.phase === 'practice',
        'btn-advance': isOpen(c) && !c.computing,
        'btn-end': c.phase === 'competition',
      };
      /* aria-disabled, not disabled: a button that becomes unavailable keeps the focus */
      Object.keys(can).forEach(function (id) {
        const dis = busy || !can[id];
        if (usable(id) === dis) {
          if (dis) byId(id).setAttribute('aria-disabled', 'true');
          else byId(id).removeAttribute('aria-disabled');
        }
      });
      let hint;
      if (c.computing) hint = roundName(c.round) + ' is being computed…';
      else if (c.phase === 'lobby') hint = 'Teams are joining. Start the practice, or go straight to the competition.';
      else if (c.phase === 'practice') hint = isOpen(c) ? 'Practice: advance when the teams have decided, or let the timer do it. Start the competition when the class is ready.' : 'The practice is played out: start the competition.';
      else if (c.phase === 'competition') hint = isOpen(c) ? 'Competition: advance when the teams have decided, or let the timer do it.' : 'Every round is played: end the game to open the debrief for everyone.';
      else hint = 'The game is over.';
      setText('controls-hint', hint);
    }

    function teamsTable(teams) {
      if (!teams.length) return el('p', { class: 'muted' }, 'No team has joined yet. Teams join at the join address with the code above.');
      const cap = 'Teams (' + teams.length + ')';
      return tableWrap(cap, el('table', { class: 'data' }, el('caption', null, cap),
        el('thead', null, el('tr', null, th('Team'), th('Market'), th('Brand'), th('Submitted'), th('Rejoin link'))),
        el('tbody', null, teams.map(function (t) {
          const url = location.origin + '/team#token=' + encodeURIComponent(t.token);
          return el('tr', null,
            el('th', { scope: 'row' }, String(t.name)),
            td(marketName(t.market)), td(String(t.brand)),
            td(t.submitted ? '✓ yes' : '– no'),
            el('td', { class: 'linkcell' },
              el('a', { href: url, 'data-key': 'open-' + t.id, target: '_blank', rel: 'noopener' }, 'team page', el('span', { class: 'vh' }, ' of ' + t.name)),
              ' ',
              el('button', { type: 'button', class: 'small', 'data-key': 'copy-' + t.id, onclick: function () { copyText(url, 'The link of ' + t.name, notes); } },
                'Copy', el('span', { class: 'vh' }, ' the link of ' + t.name))));
        }))));
    }

    function marketsView(markets) {
      if (!markets.length) return el('p', { class: 'muted' }, 'No market yet.');
      return markets.map(function (m) {
        const nl = latest(m);
        return el('section', { class: 'market card', 'aria-labelledby': 'mk-' + m.market },
          heading(3, marketName(m.market), { id: 'mk-' + m.market }),
          el('p', { class: 'meta' }, nl ? 'Latest newsletter: ' + roundName(nl.round) + ' (' + weeksText(nl.weeks) + ')' : 'No round played yet.'),
          heading(4, 'Seats'), seatsList(m),
          nl ? [heading(4, 'Latest newsletter'), newsletterView(m, nl, 5, null)] : null);
      });
    }

    function apply(d) {
      notes.clear('poll');
      const prev = state;
      state = d;
      const c = d.class;
      announceChanges(prev && prev.class, c, notes);
      const teams = d.teams || [];
      const submitted = teams.filter(function (t) { return t.submitted; }).length;
      setText('h-phase', phaseName(c.phase));
      setText('h-round', roundText(c));
      setText('h-submitted', isOpen(c) ? submitted + ' of ' + teams.length : NONE);
      setText('h-teams', String(teams.length));
      countdown.set(c.deadline_s);
      show('computing', !!c.computing);
      /* the server's own trouble: a save that failed, a round that could not be played */
      if (c.failed) notes.error('The game has stopped: ' + c.failed, 'server');
      else if (c.save_error) notes.error('The class could not be saved: ' + c.save_error, 'server');
      else notes.clear('server');
      setText('join-code', String(c.code || ''));
      const links = {
        'link-join': location.origin + '/#code=' + encodeURIComponent(c.code || ''),
        'link-projector': location.origin + '/projector#code=' + encodeURIComponent(c.code || ''),
        'link-debrief': location.origin + '/debrief#key=' + encodeURIComponent(key),
      };
      Object.keys(links).forEach(function (id) {
        const a = byId(id);
        if (a.getAttribute('href') !== links[id]) a.setAttribute('href', links[id]);
        if (id !== 'link-debrief') setText(id, links[id]);
      });
      if (!timerDirty && document.activeElement !== timerIn) {
        const v = isNum(c.timer_s) ? String(c.timer_s) : '0';
        if (timerIn.value !== v) timerIn.value = v;
      }
      setText('timer-now', isNum(c.timer_s) && c.timer_s > 0 ? 'Now: ' + clock(c.timer_s) + ' per round.' : 'Now: no timer.');
      controls();
      renderIfChanged(byId('teams-body'), teams, teamsTable);
      renderIfChanged(byId('markets-body'), d.markets || [], marketsView);
    }
  }

  /* ================================================================== projector */

  function pageProjector() {
    const notes = Notices(byId('status'), byId('errors'));
    const code = credential('code', KEYS.code);
    function askCode() {
      show('projector-main', false);
      show('code-form', true);
      byId('code-input').focus();
    }
    byId('code-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      const v = byId('code-input').value.trim().toUpperCase();
      if (!/^[A-Z0-9]{6}$/.test(v)) { notes.error('The join code has 6 letters and digits.'); return; }
      store.set(KEYS.code, v);
      location.reload();
    });
    if (!code) { askCode(); return; }
    const countdown = Countdown(byId('h-timer'), null);
    let state = null;
    const load = Loader(function () { return api('GET', '/api/public?code=' + encodeURIComponent(code), null); }, apply, function (e) {
      if (e.status === 401 || e.status === 403 || e.status === 404) {
        poll.stop();
        store.del(KEYS.code);
        notes.error(e.message);
        askCode();
        return;
      }
      notes.error(e.message, 'poll');
    });
    const poll = startPolling(load, function () { return state && state.class.computing ? 1000 : 2000; });

    function standings(m, nl) {
      const rows = (nl.rows || []).slice().sort(function (a, b) {
        const sa = isNum(a.total_score), sb = isNum(b.total_score);
        if (sa && sb) return b.total_score - a.total_score;
        if (sa !== sb) return sa ? -1 : 1;
        return (b.share || 0) - (a.share || 0);
      });
      const cap = 'Standings after ' + roundName(nl.round).toLowerCase() + ', by total score';
      return tableWrap(cap, el('table', { class: 'data standings' }, el('caption', null, cap),
        el('thead', null, el('tr', null, th('#', 'num'), th('Brand'), th('Team'), th('Share', 'num'), th('Total score', 'num'))),
        el('tbody', null, rows.map(function (r, i) {
          return el('tr', null, td(String(i + 1), 'num'), el('th', { scope: 'row' }, r.brand),
            td(holderText(m, r.brand, r.team)), td(pct(r.share), 'num'), td(signed(r.total_score), 'num'));
        }))));
    }

    function marketCard(m) {
      const nl = latest(m);
      return el('section', { class: 'market card', 'aria-labelledby': 'pm-' + m.market },
        heading(2, marketName(m.market), { id: 'pm-' + m.market }),
        nl ? [standings(m, nl),
          heading(3, 'Headlines'), newsList(nl.news),
          heading(3, 'Customers say'), voicesList(nl.voices, 2),
          heading(3, 'Public statements'), statementsList(m, nl)]
          : [el('p', { class: 'muted' }, 'Waiting for the first round.'), heading(3, 'Who runs which brand'), seatsList(m)]);
    }

    function apply(d) {
      notes.clear('poll');
      const prev = state;
      state = d;
      const c = d.class;
      announceChanges(prev && prev.class, c, notes);
      setText('h-phase', phaseName(c.phase));
      setText('h-round', roundText(c));
      countdown.set(c.deadline_s);
      show('computing', !!c.computing);
      const joinOpen = c.phase === 'lobby' || c.phase === 'practice' || (c.phase === 'competition' && c.round === 0);
      show('join-banner', joinOpen);
      setText('join-where', location.origin + '/');
      setText('join-code', String(c.code || ''));
      renderIfChanged(byId('markets'), d.markets || [], function (ms) {
        return ms.length ? ms.map(marketCard) : el('p', { class: 'muted' }, 'No market yet.');
      });
    }
  }

  /* ================================================================== charts (SVG, no library) */

  /* Colours: each at least 4.5:1 against white; every series also has its own dash
   * pattern (lines) or fill pattern (bars), and a text label in the legend. */
  const PALETTE = ['#1f5fa8', '#b8400c', '#1b7a3a', '#7b3fb5', '#222222', '#b0226b', '#0f6e7a', '#85570a'];
  const DASHES = ['', '9 4', '2 4', '12 4 3 4', '5 3', '1.5 5', '16 4 3 4 3 4', '7 3 1.5 3'];
  function styleOf(i) {
    return { color: PALETTE[i % PALETTE.length], dash: DASHES[i % DASHES.length], pattern: i % 8 };
  }
  let chartSeq = 0;

  function niceStep(range, n) {
    const raw = range / Math.max(1, n);
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
  }
  function niceTicks(lo, hi, n) {
    if (!(hi > lo)) hi = lo + 1;
    const st = niceStep(hi - lo, n);
    const a = Math.floor(lo / st + 1e-9), b = Math.ceil(hi / st - 1e-9);
    const out = [];
    for (let k = a; k <= b; k++) out.push(Number((k * st).toPrecision(12)));
    return out;
  }

  function patternDef(id, st) {
    const p = sv('pattern', { id: id, patternUnits: 'userSpaceOnUse', width: 8, height: 8 });
    p.appendChild(sv('rect', { width: 8, height: 8, fill: st.color }));
    const w = { stroke: '#ffffff', 'stroke-width': 1.6 };
    const add = function (tag, a) { p.appendChild(sv(tag, Object.assign({}, w, a))); };
    switch (st.pattern) {
      case 1: add('path', { d: 'M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4' }); break;       /* / */
      case 2: p.appendChild(sv('circle', { cx: 4, cy: 4, r: 1.6, fill: '#ffffff' })); break; /* dots */
      case 3: add('path', { d: 'M0,4 h8' }); break;                                  /* horizontal */
      case 4: add('path', { d: 'M0,0 l8,8 M8,0 l-8,8' }); break;                    /* cross */
      case 5: add('path', { d: 'M4,0 v8' }); break;                                  /* vertical */
      case 6: add('path', { d: 'M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4' }); break;          /* \ */
      case 7: p.appendChild(sv('rect', { width: 4, height: 4, fill: '#ffffff' })); break; /* checks */
      default: break;                                                                /* solid */
    }
    return p;
  }

  function swatch(st, kind) {
    if (kind === 'bar') {
      const id = 'sw' + (++chartSeq);
      return sv('svg', { class: 'swatch', width: 22, height: 14, viewBox: '0 0 22 14', 'aria-hidden': 'true', focusable: 'false' },
        sv('defs', null, patternDef(id, st)),
        sv('rect', { x: 1, y: 1, width: 20, height: 12, fill: 'url(#' + id + ')', stroke: st.color, 'stroke-width': 1.5 }));
    }
    return sv('svg', { class: 'swatch', width: 40, height: 14, viewBox: '0 0 40 14', 'aria-hidden': 'true', focusable: 'false' },
      sv('line', { x1: 1, y1: 7, x2: 39, y2: 7, stroke: st.color, 'stroke-width': 3, 'stroke-dasharray': st.dash || null }));
  }

  function legend(series, kind, label) {
    return el('ul', { class: 'legend', 'aria-label': label }, series.map(function (s) {
      return el('li', null, swatch(s.style, kind), ' ', s.label);
    }));
  }

  function chartFrame(o, W, H, m, yTicks, yFmt, yLabel) {
    const id = 'c' + (++chartSeq);
    const g = sv('svg', {
      class: 'chart', viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img',
      'aria-labelledby': id + 't ' + id + 'd', preserveAspectRatio: 'xMidYMid meet',
    }, sv('title', { id: id + 't' }, o.title), sv('desc', { id: id + 'd' }, o.desc || ''));
    const y0 = yTicks[0], y1 = yTicks[yTicks.length - 1];
    const sy = function (v) { return H - m.b - (v - y0) / (y1 - y0) * (H - m.t - m.b); };
    yTicks.forEach(function (t) {
      const y = sy(t);
      g.appendChild(sv('line', { x1: m.l, x2: W - m.r, y1: y, y2: y, class: t === 0 ? 'grid zero' : 'grid' }));
      g.appendChild(sv('text', { x: m.l - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, yFmt(t)));
    });
    g.appendChild(sv('line', { x1: m.l, x2: m.l, y1: m.t, y2: H - m.b, class: 'axis' }));
    g.appendChild(sv('line', { x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b, class: 'axis' }));
    g.appendChild(sv('text', { x: m.l + (W - m.l - m.r) / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis-label' }, o.xLabel));
    g.appendChild(sv('text', { x: 14, y: m.t + (H - m.t - m.b) / 2, 'text-anchor': 'middle', class: 'axis-label',
      transform: 'rotate(-90 14 ' + (m.t + (H - m.t - m.b) / 2) + ')' }, yLabel));
    return { svg: g, sy: sy };
  }

  /* A line chart: o = {title, desc, xLabel, yLabel, xs, series: [{label, short, values, style}],
   * yFmt, marks: [{x, label}], width}. */
  function lineChart(o) {
    const W = Math.max(300, Math.round(o.width)), narrow = W < 520;
    const H = Math.round(Math.max(230, Math.min(380, W * 0.55)));
    const m = { l: 62, r: narrow ? 14 : 92, t: 26, b: 50 };
    let ymax = 0;
    o.series.forEach(function (s) { s.values.forEach(function (v) { if (isNum(v) && v > ymax) ymax = v; }); });
    const yTicks = niceTicks(0, ymax > 0 ? ymax : 1, narrow ? 4 : 5);
    const f = chartFrame(o, W, H, m, yTicks, o.yFmt, o.yLabel);
    const g = f.svg, sy = f.sy;
    const xs = o.xs, x0 = xs[0], x1 = xs.length > 1 ? xs[xs.length - 1] : x0 + 1;
    const sx = function (x) { return m.l + (x - x0) / (x1 - x0) * (W - m.l - m.r); };
    (o.marks || []).forEach(function (k) {
      const x = sx(k.x);
      g.appendChild(sv('line', { x1: x, x2: x, y1: m.t, y2: H - m.b, class: 'mark' }));
      g.appendChild(sv('text', { x: x + 3, y: m.t - 8, class: 'mark-label' }, k.label));
    });
    let xTicks = o.xTicks || niceTicks(x0, x1, narrow ? 4 : 8).filter(function (t) { return t >= x0 && t <= x1; });
    if (!o.xTicks && (!xTicks.length || sx(xTicks[0]) - sx(x0) > 28)) xTicks = [x0].concat(xTicks);
    xTicks.forEach(function (t) {
      const x = sx(t);
      g.appendChild(sv('line', { x1: x, x2: x, y1: H - m.b, y2: H - m.b + 5, class: 'axis' }));
      g.appendChild(sv('text', { x: x, y: H - m.b + 18, 'text-anchor': 'middle', class: 'tick' }, String(t)));
    });
    const ends = [];
    o.series.forEach(function (s, i) {
      let seg = [];
      const flush = function () {
        if (seg.length > 1) {
          g.appendChild(sv('polyline', { points: seg.join(' '), fill: 'none', stroke: s.style.color, 'stroke-width': 2.4,
            'stroke-dasharray': s.style.dash || null, 'stroke-linejoin': 'round', 'stroke-linecap': 'butt' }));
        } else if (seg.length === 1) {
          const p = seg[0].split(',');
          g.appendChild(sv('circle', { cx: p[0], cy: p[1], r: 3, fill: s.style.color }));
        }
        seg = [];
      };
      let last = null;
      s.values.forEach(function (v, k) {
        if (isNum(v) && k < xs.length) { seg.push(sx(xs[k]).toFixed(1) + ',' + sy(v).toFixed(1)); last = { x: sx(xs[k]), y: sy(v) }; }
        else flush();
      });
      flush();
      if (last) ends.push({ i: i, x: last.x, y: last.y, text: s.short || s.label, color: s.style.color });
    });
    if (!narrow && ends.length) {     /* direct labels at the lines' ends, pushed apart */
      ends.sort(function (a, b) { return a.y - b.y; });
      const gap = 14;
      for (let k = 1; k < ends.length; k++) if (ends[k].y - ends[k - 1].y < gap) ends[k].y = ends[k - 1].y + gap;
      const maxY = H - m.b;
      if (ends[ends.length - 1].y > maxY) {
        ends[ends.length - 1].y = maxY;
        for (let k = ends.length - 2; k >= 0; k--) ends[k].y = Math.min(ends[k].y, ends[k + 1].y - gap);
      }
      ends.forEach(function (e) {
        g.appendChild(sv('text', { x: W - m.r + 6, y: e.y + 4, class: 'end-label', fill: e.color }, e.text));
      });
    }
    return g;
  }

  /* Grouped bars: o = {title, desc, xLabel, yLabel, groups: [labels], series: [{label, values, style}], yFmt, width}. */
  function barChart(o) {
    const W = Math.max(300, Math.round(o.width)), narrow = W < 520;
    const H = Math.round(Math.max(230, Math.min(360, W * 0.5)));
    const m = { l: 62, r: 14, t: 20, b: 50 };
    let lo = 0, hi = 0;
    o.series.forEach(function (s) { s.values.forEach(function (v) { if (isNum(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }); });
    if (lo === 0 && hi === 0) hi = 1;
    const yTicks = niceTicks(lo, hi, narrow ? 4 : 5);
    const f = chartFrame(o, W, H, m, yTicks, o.yFmt, o.yLabel);
    const g = f.svg, sy = f.sy;
    const defs = sv('defs');
    g.appendChild(defs);
    const ids = o.series.map(function (s) {
      const id = 'p' + (++chartSeq);
      defs.appendChild(patternDef(id, s.style));
      return id;
    });
    const n = Math.max(1, o.groups.length), per = Math.max(1, o.series.length);
    const gw = (W - m.l - m.r) / n;
    const bw = Math.min(44, gw * 0.8 / per);
    o.groups.forEach(function (label, gi) {
      const cx = m.l + gw * (gi + 0.5);
      const left = cx - bw * per / 2;
      o.series.forEach(function (s, si) {
        const v = s.values[gi];
        if (!isNum(v)) return;
        const ya = sy(Math.max(0, v)), yb = sy(Math.min(0, v));
        g.appendChild(sv('rect', { x: (left + si * bw + 1).toFixed(1), y: ya.toFixed(1), width: Math.max(1, bw - 2).toFixed(1),
          height: Math.max(1, yb - ya).toFixed(1), fill: 'url(#' + ids[si] + ')', stroke: s.style.color, 'stroke-width': 1.5 }));
      });
      g.appendChild(sv('text', { x: cx, y: H - m.b + 18, 'text-anchor': 'middle', class: 'tick' }, label));
    });
    g.appendChild(sv('line', { x1: m.l, x2: W - m.r, y1: sy(0), y2: sy(0), class: 'axis' }));
    return g;
  }

  function dataTable(caption, corner, cols, rows) {
    return tableWrap(caption, el('table', { class: 'data compact' }, el('caption', null, caption),
      el('thead', null, el('tr', null, th(corner), cols.map(function (c) { return th(c, 'num'); }))),
      el('tbody', null, rows.map(function (r) {
        return el('tr', null, el('th', { scope: 'row' }, r.head), r.cells.map(function (c) { return td(c, 'num'); }));
      }))));
  }

  /* A chart block: heading, figure (the SVG, re-drawn at the container's width, and a text
   * summary as figcaption), legend, and the numbers in a table behind <details>. */
  function chartBlock(level, title, draw, summary, legendEl, table, printOpen) {
    const holder = el('div', { class: 'chart-holder' });
    const block = el('section', { class: 'chart-block' },
      heading(level, title),
      el('figure', null, holder, el('figcaption', null, summary)),
      legendEl,
      el('details', { 'data-print-open': printOpen ? 'yes' : null }, el('summary', null, 'Show the numbers: ' + title.toLowerCase()), table));
    block.bsDraw = function () {
      const w = holder.clientWidth || Math.min(900, document.documentElement.clientWidth - 40);
      if (holder.bsWidth && Math.abs(holder.bsWidth - w) < 24) return;
      holder.bsWidth = w;
      setKids(holder, draw(w));
    };
    return block;
  }

  /* ================================================================== debrief */

  function pageDebrief() {
    const notes = Notices(byId('status'), byId('errors'));
    let key = takeFromHash('key', KEYS.key);
    let token = takeFromHash('token', KEYS.token);
    if (!key && !token) token = store.get(KEYS.token);
    if (!key && !token) key = store.get(KEYS.key);
    if (!key && !token) {
      show('debrief-main', false);
      showBlocked('blocked', 'No team or teacher key in this browser', 'Open the debrief from your team page, or with the teacher\'s debrief link (/debrief#key=…).', [['/', 'Join the game']]);
      return;
    }
    const teacher = !!key;
    const cred = key || token;
    let blocks = [];

    async function load() {
      notes.clear();
      setText('debrief-who', 'Loading…');
      const both = await Promise.all([
        api('GET', '/api/debrief', cred).catch(function (e) { return e; }),
        api('GET', teacher ? '/api/teacher' : '/api/team', cred).catch(function (e) { return e; }),
      ]);
      const deb = both[0], info = both[1];
      if (deb instanceof Error) {
        setText('debrief-who', '');
        if (deb.status === 401 || deb.status === 403) {
          store.del(teacher ? KEYS.key : KEYS.token);
          show('debrief-main', false);
          showBlocked('blocked', 'The server refused this browser\'s credential', deb.message, [['/', 'Join the game']]);
          return;
        }
        notes.error(deb.message);
        return;
      }
      const views = {};
      let own = null, who;
      if (info instanceof Error) {
        notes.error('The scores per round could not be loaded: ' + info.message);
        who = teacher ? 'Teacher\'s view: every market.' : 'Your team\'s market.';
      } else if (teacher) {
        (info.markets || []).forEach(function (m) { views[m.market] = m; });
        who = 'Teacher\'s view: every market, ' + phaseName(info.class.phase).toLowerCase() + ', ' + roundText(info.class).toLowerCase() + '.';
      } else {
        views[info.market.market] = info.market;
        own = info.team.brand;
        who = 'Team ' + info.team.name + ' (brand ' + own + ', ' + marketName(info.team.market) + '), ' + roundText(info.class).toLowerCase() + '.';
      }
      setText('debrief-who', who);
      render(deb.markets || [], views, own);
      notes.say('Debrief loaded.');
    }

    function render(markets, views, own) {
      setKids(byId('market-nav-list'), markets.map(function (d) {
        return el('li', null, el('a', { href: '#market-' + d.market }, marketName(d.market)));
      }));
      show('market-nav', markets.length > 1);
      blocks = [];
      setKids(byId('debrief-body'), markets.length ? markets.map(function (d) { return marketSection(d, views[d.market] || null, own); })
        : el('p', { class: 'muted' }, 'No market to show.'));
      blocks.forEach(function (b) { b.bsDraw(); });
    }

    function marketSection(d, view, own) {
      const weeks = d.weeks || 0;
      const brands = d.brands || [];
      const style = {};
      brands.forEach(function (b, i) { style[b] = styleOf(i); });
      function brandLabel(b) {
        const h = view ? holderText(view, b, null) : '';
        return b + (h ? ' (' + h + ')' : '') + (own === b ? ', your brand' : '');
      }
      const parts = [heading(2, marketName(d.market), { id: 'market-' + d.market }),
        el('p', { class: 'meta' }, weeks ? 'Weeks 1–' + weeks + ' played.' : 'Nothing played yet.')];
      const nls = (view && view.newsletters) || [];
      const marks = nls.filter(function (n) { return n.weeks && n.weeks[0] > 1; })
        .map(function (n) { return { x: n.weeks[0], label: 'R' + (n.round + 1) }; });
      const xs = [];
      for (let w = 1; w <= weeks; w++) xs.push(w);
      let xTicks = null;
      if (nls.length) {
        xTicks = [1].concat(nls.map(function (n) { return n.weeks ? n.weeks[1] : null; }).filter(function (x) { return isNum(x) && x > 1 && x <= weeks; }));
      }
      const series = (d.series) || {};

      function weekly(key, title, yLabel, yFmt, cellFmt, summarise) {
        const data = series[key] || [];
        const ss = brands.map(function (b, i) {
          return { label: brandLabel(b), short: b, values: (data[i] || []).slice(0, weeks), style: style[b] };
        });
        const block = chartBlock(3, title, function (w) {
          return lineChart({ title: title + ', ' + marketName(d.market), desc: summarise(ss), xLabel: 'Week', yLabel: yLabel,
            xs: xs, series: ss, yFmt: yFmt, marks: marks, xTicks: xTicks && w >= 520 ? xTicks : null, width: w });
        }, summarise(ss), legend(ss, 'line', 'Legend: ' + title),
        dataTable(title + ' (' + marketName(d.market) + ')', 'Week', brands, xs.map(function (x, k) {
          return { head: String(x), cells: ss.map(function (s) { return cellFmt(s.values[k]); }) };
        })));
        blocks.push(block);
        return block;
      }

      if (weeks > 0 && brands.length) {
        parts.push(weekly('share', 'Market share per brand, by week', 'Share of customers', pct0, pct, function (ss) {
          const endv = ss.map(function (s) { return { b: s.short, v: s.values[s.values.length - 1] }; })
            .filter(function (x) { return isNum(x.v); }).sort(function (a, b) { return b.v - a.v; });
          return 'Weeks 1–' + weeks + '. Share at week ' + weeks + ': ' +
            endv.map(function (x) { return x.b + ' ' + pct(x.v); }).join(', ') + '.';
        }));
        parts.push(weekly('revenge_acts', 'Revenge acts per brand, by week', 'Revenge acts', whole, whole, function (ss) {
          let peak = null;
          const tot = ss.map(function (s) {
            let t = 0;
            s.values.forEach(function (v, k) {
              if (isNum(v)) { t += v; if (!peak || v > peak.v) peak = { b: s.short, v: v, w: k + 1 }; }
            });
            return { b: s.short, t: t };
          }).sort(function (a, b) { return b.t - a.t; });
          return 'Weeks 1–' + weeks + '. Total revenge acts: ' + tot.map(function (x) { return x.b + ' ' + whole(x.t); }).join(', ') + '.' +
            (peak && peak.v > 0 ? ' Most in one week: ' + peak.b + ', ' + whole(peak.v) + ' in week ' + peak.w + '.' : '');
        }));
      }

      /* score per round per team, from the newsletters */
      const teamsSeen = [];
      nls.forEach(function (n) {
        (n.rows || []).forEach(function (r) {
          if (r.team && isNum(r.score) && teamsSeen.indexOf(r.brand) < 0) teamsSeen.push(r.brand);
        });
      });
      if (nls.length && teamsSeen.length) {
        const groups = nls.map(function (n) { return roundName(n.round); });
        const ss = teamsSeen.map(function (b) {
          let team = null;
          const vals = nls.map(function (n) {
            const r = (n.rows || []).filter(function (x) { return x.brand === b; })[0];
            if (r && r.team) team = r.team;
            return r && isNum(r.score) ? r.score : null;
          });
          return { label: String(team) + ' (' + b + ')' + (own === b ? ', your team' : ''), short: String(team), brand: b,
            values: vals, style: style[b] || styleOf(0) };
        });
        const totals = ss.map(function (s) {
          return { s: s, t: s.values.reduce(function (a, v) { return a + (isNum(v) ? v : 0); }, 0) };
        }).sort(function (a, b) { return b.t - a.t; });
        const sum = 'Each team\'s score per round (its net contribution minus its counterfactual). Totals: ' +
          totals.map(function (x) { return x.s.short + ' (' + x.s.brand + ') ' + signed(x.t); }).join(', ') + '.';
        const title = 'Score per round, per team';
        const block = chartBlock(3, title, function (w) {
          return barChart({ title: title + ', ' + marketName(d.market), desc: sum, xLabel: 'Round', yLabel: 'Score',
            groups: groups, series: ss, yFmt: signed, width: w });
        }, sum, legend(ss, 'bar', 'Legend: ' + title),
        dataTable(title + ' (' + marketName(d.market) + ')', 'Round', ss.map(function (s) { return s.short; }),
          groups.map(function (gname, k) {
            return { head: gname, cells: ss.map(function (s) { return signed(s.values[k]); }) };
          }).concat([{ head: 'Total', cells: ss.map(function (s) { return signed(totals.filter(function (x) { return x.s === s; })[0].t); }) }])), true);
        blocks.push(block);
        parts.push(block);
      } else if (weeks > 0) {
        parts.push(heading(3, 'Score per round, per team'), el('p', { class: 'muted' }, 'No team scores to show.'));
      }

      const moments = (d.moments || []).slice().sort(function (a, b) { return a.round - b.round; });
      parts.push(heading(3, 'Moments'));
      parts.push(moments.length ? el('ol', { class: 'moments' }, moments.map(function (x) {
        return el('li', null, el('span', { class: 'moment-head' }, roundName(x.round) + ' · ' + String(x.brand) + ' · finding ' + String(x.finding)),
          ' ', el('span', null, String(x.text)));
      })) : el('p', { class: 'muted' }, 'No moments recorded.'));

      const fc = (d.forecasts || []).slice().sort(function (a, b) { return a.round - b.round; });
      parts.push(heading(3, 'Forecasts vs what happened'));
      const cap = 'Forecasts vs what happened, ' + marketName(d.market);
      parts.push(fc.length ? tableWrap(cap, el('table', { class: 'data' }, el('caption', { class: 'vh' }, cap),
        el('thead', null, el('tr', null, th('Round'), th('Team'), th('Forecast'), th('What happened'))),
        el('tbody', null, fc.map(function (x) {
          return el('tr', null, el('th', { scope: 'row' }, roundName(x.round)), td(String(x.team)), td(String(x.forecast)), td(String(x.outcome)));
        })))) : el('p', { class: 'muted' }, 'No forecasts were made.'));

      return el('section', { class: 'market debrief-market', 'aria-labelledby': 'market-' + d.market }, parts);
    }

    let rt = null;
    window.addEventListener('resize', function () {
      clearTimeout(rt);
      rt = setTimeout(function () { blocks.forEach(function (b) { b.bsDraw(); }); }, 200);
    });
    /* print: the score tables are printed open (the weekly tables print as they are shown) */
    let opened = [];
    window.addEventListener('beforeprint', function () {
      opened = Array.prototype.filter.call(document.querySelectorAll('details[data-print-open]'), function (x) { return !x.open; });
      opened.forEach(function (x) { x.open = true; });
    });
    window.addEventListener('afterprint', function () { opened.forEach(function (x) { x.open = false; }); opened = []; });
    byId('btn-refresh').addEventListener('click', load);
    byId('btn-print').addEventListener('click', function () { window.print(); });
    load();
  }

  /* ================================================================== start */

  const PAGES = { join: pageJoin, team: pageTeam, teacher: pageTeacher, projector: pageProjector, debrief: pageDebrief };
  function start() {
    const page = document.body.getAttribute('data-page');
    if (PAGES[page]) PAGES[page]();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
