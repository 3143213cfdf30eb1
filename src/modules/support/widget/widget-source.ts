/**
 * The chat widget (issue 7), served at GET /widget.js for customers to embed in their own site:
 * `<script src="https://opsbook.example/widget.js" data-workspace="ws_…" async></script>` (optional
 * `data-title`, `data-color`). A launcher button opens a panel with the conversation, a text box, live replies
 * (EventSource), the bot's suggested articles as links and a 1-5 rating once resolved. It depends on nothing,
 * builds every element itself and fills it with `textContent` (no HTML parsing of anything anyone wrote),
 * keeps the conversation's token in localStorage and talks to the public chat API without credentials.
 *
 * Kept as a string: the build compiles TypeScript only, and the file must reach the server as written.
 * Its text has no backquote and no dollar-brace, so it can live in this template literal unchanged.
 */
export const WIDGET_SOURCE = String.raw`/* Opsbook chat widget: <script src="https://opsbook.example/widget.js" data-workspace="ws_…" async></script> */
(function () {
  'use strict';
  var script =
    document.currentScript || document.querySelector('script[data-workspace][src*="widget.js"]');
  if (!script || window.__opsbookChat) return;
  var workspace = script.getAttribute('data-workspace');
  if (!workspace) return;
  window.__opsbookChat = true;
  var base = new URL(script.src, location.href).origin;
  var api = base + '/api/v1/chat/' + encodeURIComponent(workspace) + '/conversations';
  var storeKey = 'opsbook-chat:' + workspace;
  var title = script.getAttribute('data-title') || 'Chat with us';
  var color = /^#[0-9a-f]{3,8}$/i.test(script.getAttribute('data-color') || '')
    ? script.getAttribute('data-color')
    : '#2457c5';

  var chat = load();
  var shown = {};
  var lastId = null;
  var source = null;
  var retry = null;
  var loaded = false;

  /* Every element is made here and filled with textContent: nothing anyone writes is parsed as HTML. */
  function el(tag, style, text) {
    var node = document.createElement(tag);
    if (style) for (var k in style) node.style[k] = style[k];
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function load() {
    try {
      var v = JSON.parse(localStorage.getItem(storeKey) || 'null');
      if (v && typeof v.number === 'number' && typeof v.token === 'string') return v;
    } catch (e) {}
    return null;
  }

  function save(v) {
    chat = v;
    try {
      if (v) localStorage.setItem(storeKey, JSON.stringify(v));
      else localStorage.removeItem(storeKey);
    } catch (e) {}
  }

  function call(method, url, body) {
    var init = { method: method, credentials: 'omit', mode: 'cors', headers: {} };
    if (body) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (r) {
      return r.text().then(function (text) {
        var json = null;
        try {
          json = text ? JSON.parse(text) : null;
        } catch (e) {}
        if (!r.ok) {
          var err = new Error((json && json.detail) || 'The chat is not available (' + r.status + ').');
          err.status = r.status;
          throw err;
        }
        return json;
      });
    });
  }

  var font = '14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  var host = el('div', { position: 'fixed', zIndex: '2147483000', bottom: '0', right: '0' });
  host.setAttribute('data-opsbook-chat', '');
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;

  var launcher = el('button', {
    position: 'fixed', bottom: '20px', right: '20px', height: '52px', minWidth: '52px', padding: '0 18px',
    borderRadius: '26px', border: 'none', background: color, color: '#fff', font: font, fontWeight: '600',
    cursor: 'pointer', boxShadow: '0 4px 14px rgba(0,0,0,.25)'
  }, 'Chat');
  launcher.type = 'button';
  launcher.setAttribute('aria-label', title);
  launcher.setAttribute('aria-expanded', 'false');

  var panel = el('div', {
    position: 'fixed', bottom: '84px', right: '20px', width: '340px', maxWidth: 'calc(100vw - 40px)',
    height: '480px', maxHeight: 'calc(100vh - 120px)', display: 'none', flexDirection: 'column',
    background: '#fff', color: '#1b1f24', font: font, borderRadius: '12px', overflow: 'hidden',
    boxShadow: '0 8px 30px rgba(0,0,0,.3)'
  });
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', title);

  var header = el('div', {
    display: 'flex', alignItems: 'center', justifyContent: 'space-between', padding: '12px 14px',
    background: color, color: '#fff', fontWeight: '600'
  });
  var close = el('button', {
    background: 'transparent', border: 'none', color: '#fff', font: font, fontSize: '20px', cursor: 'pointer'
  }, '\u00d7');
  close.type = 'button';
  close.setAttribute('aria-label', 'Close');
  header.appendChild(el('span', null, title));
  header.appendChild(close);

  var log = el('div', { flex: '1', overflowY: 'auto', padding: '12px', background: '#f5f6f8' });
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');

  var rating = el('div', { display: 'none', padding: '10px 12px', borderTop: '1px solid #e3e5e8' });
  var notice = el('div', { display: 'none', padding: '6px 12px', color: '#a4161a', fontSize: '13px' });
  notice.setAttribute('role', 'alert');

  var form = el('form', { display: 'flex', flexDirection: 'column', gap: '6px', padding: '10px 12px',
    borderTop: '1px solid #e3e5e8' });
  var field = { width: '100%', boxSizing: 'border-box', padding: '8px', border: '1px solid #c9cdd2',
    borderRadius: '6px', font: font };
  var intro = el('div', { display: 'flex', gap: '6px' });
  var name = el('input', field);
  name.placeholder = 'Your name (optional)';
  name.maxLength = 100;
  name.autocomplete = 'name';
  var email = el('input', field);
  email.type = 'email';
  email.placeholder = 'Email (optional)';
  email.maxLength = 254;
  email.autocomplete = 'email';
  intro.appendChild(name);
  intro.appendChild(email);
  var row = el('div', { display: 'flex', gap: '6px' });
  var text = el('textarea', Object.assign({ resize: 'none', height: '44px' }, field));
  text.placeholder = 'Write a message';
  text.maxLength = 4000;
  text.setAttribute('aria-label', 'Message');
  var send = el('button', { padding: '0 14px', border: 'none', borderRadius: '6px', background: color,
    color: '#fff', font: font, fontWeight: '600', cursor: 'pointer' }, 'Send');
  send.type = 'submit';
  row.appendChild(text);
  row.appendChild(send);
  form.appendChild(intro);
  form.appendChild(row);

  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(rating);
  panel.appendChild(notice);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);

  function say(message) {
    notice.textContent = message || '';
    notice.style.display = message ? 'block' : 'none';
  }

  function label(m) {
    if (m.from === 'customer') return 'You';
    if (m.from === 'bot') return m.name || 'Bot';
    return m.name || 'Support';
  }

  function show(m) {
    if (!m || !m.id || shown[m.id]) return;
    shown[m.id] = true;
    lastId = m.id;
    var mine = m.from === 'customer';
    var bubble = el('div', {
      maxWidth: '85%', margin: mine ? '0 0 8px auto' : '0 auto 8px 0', padding: '8px 10px',
      borderRadius: '10px', background: mine ? color : '#fff', color: mine ? '#fff' : '#1b1f24',
      boxShadow: '0 1px 2px rgba(0,0,0,.08)', width: 'fit-content'
    });
    bubble.appendChild(el('div', { fontSize: '12px', opacity: '.75', marginBottom: '2px' }, label(m)));
    bubble.appendChild(el('div', { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }, m.text));
    if (m.articles && m.articles.length) {
      var list = el('ul', { margin: '6px 0 0', paddingLeft: '18px' });
      m.articles.forEach(function (a) {
        if (!a || typeof a.url !== 'string' || !/^https?:\/\//i.test(a.url)) return;
        var link = el('a', { color: mine ? '#fff' : color }, a.title);
        link.href = a.url;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        var item = el('li');
        item.appendChild(link);
        list.appendChild(item);
      });
      bubble.appendChild(list);
    }
    log.appendChild(bubble);
    log.scrollTop = log.scrollHeight;
    if (!mine && loaded && panel.style.display === 'none') launcher.textContent = 'Chat \u2022';
  }

  function state(s) {
    if (!s) return;
    rating.textContent = '';
    if (!s.resolved) {
      rating.style.display = 'none';
      return;
    }
    rating.style.display = 'block';
    if (s.csat) {
      rating.appendChild(el('div', null, 'Thank you for your rating (' + s.csat.score + '/5).'));
      return;
    }
    rating.appendChild(el('div', { marginBottom: '6px' }, 'How did we do? Rate the help from 1 to 5.'));
    var comment = el('input', Object.assign({ marginTop: '6px' }, field));
    comment.placeholder = 'Comment (optional)';
    comment.maxLength = 2000;
    var scores = el('div', { display: 'flex', gap: '6px' });
    [1, 2, 3, 4, 5].forEach(function (score) {
      var b = el('button', { flex: '1', padding: '6px 0', border: '1px solid #c9cdd2', borderRadius: '6px',
        background: '#fff', font: font, cursor: 'pointer' }, String(score));
      b.type = 'button';
      b.setAttribute('aria-label', score + ' of 5');
      b.addEventListener('click', function () {
        var body = { t: chat.token, score: score };
        if (comment.value.trim()) body.comment = comment.value.trim();
        call('POST', api + '/' + chat.number + '/csat', body).then(state, function (e) { say(e.message); });
      });
      scores.appendChild(b);
    });
    rating.appendChild(scores);
    rating.appendChild(comment);
  }

  function disconnect() {
    if (source) source.close();
    source = null;
    clearTimeout(retry);
  }

  function connect() {
    disconnect();
    if (!chat || typeof EventSource === 'undefined') return;
    var url = api + '/' + chat.number + '/stream?t=' + encodeURIComponent(chat.token) +
      (lastId ? '&after=' + encodeURIComponent(lastId) : '');
    source = new EventSource(url);
    source.addEventListener('message', function (e) {
      try { show(JSON.parse(e.data)); } catch (err) {}
    });
    source.addEventListener('status', function (e) {
      try { state(JSON.parse(e.data)); } catch (err) {}
    });
    source.onerror = function () {
      /* Closed for good (the server refused): read the conversation again in a while. */
      if (source && source.readyState === 2) retry = setTimeout(open, 15000);
    };
  }

  function open() {
    if (!chat) {
      intro.style.display = 'flex';
      return;
    }
    intro.style.display = 'none';
    call('GET', api + '/' + chat.number + '?t=' + encodeURIComponent(chat.token)).then(function (c) {
      c.messages.forEach(show);
      loaded = true;
      state(c);
      connect();
    }, function (e) {
      if (e.status === 404) {
        save(null);
        disconnect();
        intro.style.display = 'flex';
      } else {
        say(e.message);
      }
    });
  }

  function locale() {
    var l = (navigator.language || '').trim();
    return /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i.test(l) && l.length <= 35 ? l : undefined;
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var words = text.value.trim();
    if (!words) return;
    send.disabled = true;
    say('');
    var done = function () { send.disabled = false; };
    if (!chat) {
      var body = { text: words };
      if (name.value.trim()) body.name = name.value.trim();
      if (email.value.trim()) body.email = email.value.trim();
      if (locale()) body.locale = locale();
      call('POST', api, body).then(function (r) {
        text.value = '';
        save({ number: r.number, token: r.token });
        open();
        done();
      }, function (e) { say(e.message); done(); });
      return;
    }
    call('POST', api + '/' + chat.number + '/messages', { t: chat.token, text: words }).then(function (r) {
      text.value = '';
      if (r.number !== chat.number) {
        save({ number: r.number, token: chat.token });
        connect();
      }
      show(r.message);
      done();
    }, function (e) {
      if (e.status === 404) {
        save(null);
        disconnect();
        intro.style.display = 'flex';
      }
      say(e.message);
      done();
    });
  });

  text.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      if (form.requestSubmit) form.requestSubmit();
      else send.click();
    }
  });

  function toggle(on) {
    panel.style.display = on ? 'flex' : 'none';
    launcher.setAttribute('aria-expanded', on ? 'true' : 'false');
    if (!on) return;
    launcher.textContent = 'Chat';
    if (!loaded) open();
    text.focus();
  }
  launcher.addEventListener('click', function () { toggle(panel.style.display === 'none'); });
  close.addEventListener('click', function () { toggle(false); });

  function mount() {
    document.body.appendChild(host);
    if (chat) open();
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
`;
