// BackCare's "this browser" store: IndexedDB behind a Streamlit components.v2 component.
// The Python half, and the messages both halves speak, are in backcare/browser_mirror.py.
//
// Python -> here: the mount's `data`, new on every script run: {nonce, ack, load: {id,
// want} | null, ops: [{seq, op, kind, id, value}], unsaved, chunk_bytes, ui}.
// Here -> Python: ONE trigger event, "msgs", a list of numbered messages. Streamlit keeps
// one value per event name until the next run, so two messages sent as two triggers in
// one moment would reach Python as the last one only; and queued reruns are merged. So
// every message waits in the outbox, is sent with every batch, and is dropped only once
// Python's `ack` says it was handled (or sent again after RESEND_MS).
//
// Streamlit turns this inline module into a blob: URL, cached by its content, so it is
// imported once per page: the state below lives as long as the page does, across script
// runs, page switches and server reconnects. The default export is called again every
// time `data` changes; the cleanup it could return runs only when the element unmounts.
// So listeners are added once, here at module level, never inside it.
//
// Nothing here uses innerHTML: the few words shown are set with textContent.

const DB_NAME = 'backcare';
const DB_VERSION = 1; // a later version migrates in onupgradeneeded, by oldVersion
const RECORDS = 'records'; // keyPath [kind, id]; {kind, id, v} or, encrypted, {kind, id, iv, ct}
const META = 'meta'; // keyPath name; {name: 'crypto', salt, iterations, check: {iv, ct}}
const OPEN_TIMEOUT_MS = 5000;
const RESEND_MS = 8000;
// OWASP Password Storage Cheat Sheet (2023 and since): PBKDF2-HMAC-SHA256 with 600,000
// iterations where Argon2id is not available (WebCrypto offers no Argon2).
// https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
const PBKDF2_ITERATIONS = 600000;
const CHECK_TEXT = 'backcare passphrase check v1'; // tells a wrong passphrase from damage
const MIN_PASSPHRASE = 8;
const CHANNEL = 'backcare-store';

const S = {
  nonce: null, // the Python session this page talks to (a new one after a server restart)
  nextMsg: 1,
  outbox: [],
  send: null, // setTriggerValue of the latest call
  root: null, // parentElement (a ShadowRoot) of the latest call
  data: null,
  appliedSeq: 0, // the highest op seq started in this session
  work: Promise.resolve(), // one thing at a time, in order
  db: null,
  opening: null,
  key: null, // the AES-GCM CryptoKey once unlocked: never leaves this page
  cryptoMeta: undefined, // undefined: not read yet; null: no passphrase
  load: null, // {id, chunks}
  sentChunk: null, // "loadId:index" sent last
  seenLoadId: null,
  statusKey: null,
  lastState: null,
  forgotten: false, // after "Forget everything": no database until the next write
  resendTimer: null,
  flushQueued: false,
  unsaved: false,
  inFlight: 0,
  message: '', // the passphrase form's line
  tabId: Math.random().toString(36).slice(2),
};

// ------------------------------------------------------------------ channel to Python

function post(msg) {
  msg.m = S.nextMsg++;
  msg.nonce = S.nonce;
  S.outbox.push(msg);
  if (!S.flushQueued) {
    S.flushQueued = true;
    queueMicrotask(flush);
  }
}

function flush() {
  S.flushQueued = false;
  clearTimeout(S.resendTimer);
  if (!S.outbox.length || !S.send) return;
  S.send('msgs', S.outbox.slice());
  S.resendTimer = setTimeout(flush, RESEND_MS);
}

function postStatus(state, extra = {}) {
  // Only a change is posted: every message is acknowledged, the acknowledgement changes
  // `data`, and a changed `data` calls this module again; posting on every call would
  // rerun the script forever.
  const msg = {
    type: 'status',
    state,
    encrypted: !!S.cryptoMeta,
    secure: !!(window.isSecureContext && window.crypto && crypto.subtle),
    ...extra,
  };
  const key = JSON.stringify(msg);
  if (key === S.statusKey) return;
  S.statusKey = key;
  S.lastState = state;
  post(msg);
}

// ------------------------------------------------------------------ IndexedDB

class Refusal extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

function openDb() {
  if (S.db) return Promise.resolve(S.db);
  if (S.opening) return S.opening;
  S.opening = new Promise((resolve, reject) => {
    let req;
    try {
      if (typeof indexedDB === 'undefined' || indexedDB === null) {
        throw new Refusal('NotSupportedError', 'this browser offers no IndexedDB');
      }
      req = indexedDB.open(DB_NAME, DB_VERSION);
    } catch (e) {
      reject(new Refusal(e.name || 'Error', e.message || String(e)));
      return;
    }
    const timer = setTimeout(
      () => reject(new Refusal('TimeoutError', 'the browser did not open its storage')),
      OPEN_TIMEOUT_MS,
    );
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(RECORDS)) {
        db.createObjectStore(RECORDS, { keyPath: ['kind', 'id'] });
      }
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: 'name' });
    };
    req.onsuccess = () => {
      clearTimeout(timer);
      const db = req.result;
      // Another tab deletes the database ("Forget everything") or upgrades it: let go.
      db.onversionchange = (ev) => {
        db.close();
        if (S.db === db) S.db = null;
        if (ev.newVersion === null) S.forgotten = true; // deleted: do not bring it back
      };
      db.onclose = () => {
        if (S.db === db) S.db = null;
      };
      resolve(db);
    };
    req.onerror = (ev) => {
      clearTimeout(timer);
      if (ev && ev.preventDefault) ev.preventDefault();
      const err = req.error || {};
      reject(new Refusal(err.name || 'UnknownError', err.message || 'open failed'));
    };
    req.onblocked = () => {}; // an older version is open in another tab; the timer decides
  }).then(
    (db) => {
      S.db = db;
      S.opening = null;
      return db;
    },
    (err) => {
      S.opening = null;
      throw err;
    },
  );
  return S.opening;
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function readMeta(db) {
  const row = await request(db.transaction(META, 'readonly').objectStore(META).get('crypto'));
  return row || null;
}

function readAll(db) {
  return request(db.transaction(RECORDS, 'readonly').objectStore(RECORDS).getAll());
}

function runTx(db, stores, fill) {
  // {ok: true} only on the transaction's `complete`; {ok: false, error, message} otherwise.
  // "strict" durability: written to disk before `complete` (MDN, IDBTransaction.durability).
  return new Promise((resolve) => {
    let tx;
    try {
      tx = db.transaction(stores, 'readwrite', { durability: 'strict' });
    } catch (e) {
      resolve({ ok: false, error: e.name, message: e.message });
      return;
    }
    tx.oncomplete = () => resolve({ ok: true });
    tx.onabort = () => {
      const err = tx.error || {};
      resolve({ ok: false, error: err.name || 'AbortError', message: err.message || 'aborted' });
    };
    try {
      fill(tx);
    } catch (e) {
      try {
        tx.abort();
      } catch (_) {
        /* already finished */
      }
      resolve({ ok: false, error: e.name, message: e.message });
    }
  });
}

// ------------------------------------------------------------------ WebCrypto

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function deriveKey(passphrase, salt, iterations) {
  if (!(window.crypto && crypto.subtle)) {
    throw new Refusal('NotSupportedError', 'encryption needs a secure (https) page');
  }
  const base = await crypto.subtle.importKey('raw', encoder.encode(passphrase), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false, // not extractable
    ['encrypt', 'decrypt'],
  );
}

async function seal(key, text) {
  const iv = crypto.getRandomValues(new Uint8Array(12)); // a fresh IV for every record
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(text));
  return { iv, ct };
}

async function unseal(key, box) {
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: box.iv }, key, box.ct);
  return decoder.decode(plain);
}

async function toRow(op) {
  if (S.cryptoMeta) {
    const box = await seal(S.key, JSON.stringify(op.value));
    return { kind: op.kind, id: op.id, iv: box.iv, ct: box.ct };
  }
  return { kind: op.kind, id: op.id, v: op.value };
}

async function fromRow(row) {
  if (row.ct) return { kind: row.kind, id: row.id, value: JSON.parse(await unseal(S.key, row)) };
  return { kind: row.kind, id: row.id, value: row.v };
}

// ------------------------------------------------------------------ the work

function later(fn) {
  S.work = S.work.then(fn).catch((e) => {
    postStatus('error', { error: (e && e.name) || 'Error', message: (e && e.message) || '' });
  });
  return S.work;
}

const ABSENT = 'absent'; // after "Forget everything": no database until the next write

async function ready() {
  // The open database (or ABSENT), with the passphrase state known; null when it cannot
  // be used now (refused, or locked).
  if (S.forgotten && !S.db) {
    S.cryptoMeta = null;
    return ABSENT;
  }
  let db;
  try {
    db = await openDb();
    if (S.cryptoMeta === undefined) S.cryptoMeta = await readMeta(db);
  } catch (e) {
    postStatus('unavailable', { error: e.name, message: e.message });
    return null;
  }
  if (S.cryptoMeta && !S.key) {
    // Still locked. After a wrong passphrase, that is what Python knows already.
    if (S.lastState !== 'wrong_passphrase') postStatus('locked');
    render();
    return null;
  }
  return db;
}

async function handle(data) {
  // A new load id is a retry, or another tab changed things: say the state again.
  if (data.load && data.load.id !== S.seenLoadId) {
    S.seenLoadId = data.load.id;
    S.statusKey = null;
  }
  const db = await ready();
  const ops = (data.ops || []).filter((op) => op.seq > S.appliedSeq);
  if (!db) {
    // Locked or refused: "Forget everything" still runs, since deleting a database needs
    // neither the passphrase nor a working connection.
    const from = ops.findIndex((op) => op.op === 'forget');
    if (from >= 0) await applyOps(ops.slice(from));
    return;
  }
  postStatus('open');
  if (data.load) await answerLoad(db, data.load, data.chunk_bytes || 4000000);
  if (ops.length) await applyOps(ops);
  render();
}

async function answerLoad(db, load, chunkBytes) {
  if (!S.load || S.load.id !== load.id) {
    const rows = db === ABSENT ? [] : await readAll(db);
    // WebCrypto calls run side by side; awaited one by one they were ~5x slower.
    const records = await Promise.all(rows.map(fromRow));
    S.load = { id: load.id, chunks: split(records, chunkBytes) };
  }
  const tag = `${load.id}:${load.want}`;
  if (S.sentChunk === tag) return;
  S.sentChunk = tag;
  const chunks = S.load.chunks;
  post({
    type: 'chunk',
    load: load.id,
    index: load.want,
    count: chunks.length,
    records: chunks[load.want] || [],
  });
}

function split(records, budget) {
  // Chunks of at most `budget` bytes of JSON (a record bigger than that goes alone).
  const chunks = [[]];
  let size = 0;
  for (const rec of records) {
    const n = JSON.stringify(rec).length + 1;
    if (size + n > budget && chunks[chunks.length - 1].length) {
      chunks.push([]);
      size = 0;
    }
    chunks[chunks.length - 1].push(rec);
    size += n;
  }
  return chunks;
}

async function applyOps(ops) {
  S.appliedSeq = Math.max(S.appliedSeq, ...ops.map((op) => op.seq));
  S.inFlight += ops.length;
  try {
    let batch = [];
    for (const op of ops) {
      if (op.op === 'forget') {
        if (batch.length) await writeBatch(batch);
        batch = [];
        await forget(op);
      } else {
        batch.push(op);
      }
    }
    if (batch.length) await writeBatch(batch);
  } finally {
    S.inFlight -= ops.length;
  }
}

async function writeBatch(ops) {
  // One transaction for the batch: all of it is kept, or none of it.
  const seqs = ops.map((op) => op.seq);
  let result;
  try {
    S.forgotten = false;
    const db = await openDb();
    // Encrypt first: a transaction commits by itself once a task passes without a
    // request, so nothing may be awaited between opening it and the last put.
    const rows = await Promise.all(ops.map((op) => (op.op === 'put' ? toRow(op) : null)));
    result = await runTx(db, [RECORDS], (tx) => {
      const store = tx.objectStore(RECORDS);
      ops.forEach((op, i) => {
        if (op.op === 'put') store.put(rows[i]);
        else if (op.op === 'delete') store.delete([op.kind, op.id]);
        else throw new Refusal('DataError', `unknown op ${op.op}`);
      });
    });
  } catch (e) {
    result = { ok: false, error: e.name, message: e.message };
  }
  post({ type: 'done', seqs, ...result });
  if (result.ok) announce();
  else if (S.db) {
    // The page's "Try again" starts on a fresh connection: Chromium, for one, fixes the
    // quota a connection works with when it opens.
    S.db.close();
    S.db = null;
  }
}

async function forget(op) {
  if (S.db) {
    S.db.close();
    S.db = null;
  }
  const result = await new Promise((resolve) => {
    let req;
    try {
      req = indexedDB.deleteDatabase(DB_NAME);
    } catch (e) {
      resolve({ ok: false, error: e.name, message: e.message });
      return;
    }
    req.onsuccess = () => resolve({ ok: true });
    req.onerror = () =>
      resolve({ ok: false, error: (req.error || {}).name, message: (req.error || {}).message });
    req.onblocked = () => postStatus('forget_blocked'); // success follows once others close
  });
  S.cryptoMeta = undefined;
  S.key = null;
  S.load = null;
  S.message = '';
  S.forgotten = result.ok;
  if (result.ok && indexedDB.databases) {
    // Check that it is gone where the browser can list its databases (Chromium can).
    const names = (await indexedDB.databases()).map((d) => d.name);
    result.verified = !names.includes(DB_NAME);
  }
  post({ type: 'done', seqs: [op.seq], ...result });
  S.statusKey = null;
  if (result.ok) announce();
  render();
}

// ------------------------------------------------------------------ passphrase

async function unlock(passphrase) {
  const meta = S.cryptoMeta;
  let key;
  try {
    key = await deriveKey(passphrase, meta.salt, meta.iterations);
    if ((await unseal(key, meta.check)) !== CHECK_TEXT) throw new Error('check');
  } catch (_) {
    S.message = 'That passphrase does not open what this browser keeps. Nothing was changed.';
    postStatus('wrong_passphrase');
    render();
    return;
  }
  S.key = key;
  S.message = '';
  S.statusKey = null;
  render();
  if (S.data) later(() => handle(S.data));
}

async function protect(passphrase) {
  // Encrypt everything kept with a new passphrase in one transaction: all or nothing.
  S.forgotten = false;
  let result;
  try {
    const db = await openDb();
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const key = await deriveKey(passphrase, salt, PBKDF2_ITERATIONS);
    const rows = await readAll(db);
    const sealed = await Promise.all(
      rows.map(async (row) => {
        const plain = row.ct ? await unseal(S.key, row) : JSON.stringify(row.v);
        const box = await seal(key, plain);
        return { kind: row.kind, id: row.id, iv: box.iv, ct: box.ct };
      }),
    );
    const meta = {
      name: 'crypto',
      salt,
      iterations: PBKDF2_ITERATIONS,
      check: await seal(key, CHECK_TEXT),
    };
    result = await runTx(db, [RECORDS, META], (tx) => {
      const store = tx.objectStore(RECORDS);
      for (const row of sealed) store.put(row);
      tx.objectStore(META).put(meta);
    });
    if (result.ok) {
      S.cryptoMeta = meta;
      S.key = key;
    }
  } catch (e) {
    result = { ok: false, error: e.name, message: e.message };
  }
  if (result.ok) {
    S.message = '';
    postStatus('open', { protected_now: true });
    announce();
  } else {
    S.message = 'Not protected: this browser would not keep the change. Nothing was changed.';
    postStatus('protect_failed', { error: result.error, message: result.message });
  }
  render();
}

// ------------------------------------------------------------------ the form
// Only for the passphrase, which is typed here and never sent to the server.

function el(tag, attrs = {}, text = '') {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

function field(form, id, label, autocomplete) {
  form.append(
    el('label', { for: id }, label),
    el('input', { id, name: id, type: 'password', autocomplete, required: '' }),
  );
}

function render() {
  const root = S.root;
  if (!root) return;
  let box = root.querySelector('.bc-store');
  if (!box) {
    box = el('div', { class: 'bc-store' });
    root.appendChild(box);
  }
  const choosing = !!(S.data && S.data.ui === 'set_passphrase' && !S.cryptoMeta);
  const locked = !!(S.cryptoMeta && !S.key);
  // Rebuilt only when what it shows changes: a script run must not wipe half a passphrase.
  const view = JSON.stringify([locked, choosing, S.message]);
  if (box.dataset.view === view) return;
  box.dataset.view = view;
  const typed = [...box.querySelectorAll('input[type=password]')].map((i) => i.value);
  box.replaceChildren();
  if (!locked && !choosing) return;
  const uid = S.tabId;
  const form = el('form', { class: 'bc-form', 'aria-labelledby': `bc-title-${uid}` });
  // A username field (hidden) lets password managers file the passphrase under BackCare.
  form.append(
    el('input', {
      type: 'text',
      name: 'username',
      autocomplete: 'username',
      value: 'BackCare (this browser)',
      hidden: '',
      'aria-hidden': 'true',
      tabindex: '-1',
    }),
  );
  if (locked) {
    form.append(
      el('p', { id: `bc-title-${uid}`, class: 'bc-title' }, 'Passphrase for what this browser keeps'),
      el('p', {}, 'What BackCare keeps in this browser is protected by a passphrase. Type it to open it.'),
    );
    field(form, `bc-p1-${uid}`, 'Passphrase', 'current-password');
    form.append(el('button', { type: 'submit' }, 'Open my saved data'));
  } else {
    form.append(
      el('p', { id: `bc-title-${uid}`, class: 'bc-title' }, 'Choose a passphrase'),
      el(
        'p',
        {},
        'Anyone using this browser will need it to see what BackCare keeps here. ' +
          'It never leaves this browser, and it cannot be recovered: if you forget it, ' +
          'the only way back is to forget everything in this browser.',
      ),
    );
    field(form, `bc-p1-${uid}`, `New passphrase (at least ${MIN_PASSPHRASE} characters)`, 'new-password');
    field(form, `bc-p2-${uid}`, 'The same passphrase again', 'new-password');
    const buttons = el('div', { class: 'bc-buttons' });
    const cancel = el('button', { type: 'button' }, 'Cancel');
    cancel.addEventListener('click', () => post({ type: 'ui', state: 'closed' }));
    buttons.append(el('button', { type: 'submit' }, 'Protect with this passphrase'), cancel);
    form.append(buttons);
  }
  if (S.message) form.append(el('p', { class: 'bc-msg', role: 'alert' }, S.message));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const inputs = form.querySelectorAll('input[type=password]');
    const first = inputs[0].value;
    if (locked) {
      S.message = 'Opening…';
      render();
      later(() => unlock(first));
      return;
    }
    if (first.length < MIN_PASSPHRASE) S.message = `Use at least ${MIN_PASSPHRASE} characters.`;
    else if (first !== inputs[1].value) S.message = 'The two passphrases differ.';
    else {
      S.message = 'Protecting…';
      later(() => protect(first));
    }
    render();
  });
  box.appendChild(form);
  // Keep what was typed when only the line under the form changed.
  form.querySelectorAll('input[type=password]').forEach((input, i) => {
    if (typed[i]) input.value = typed[i];
  });
  if (choosing && !typed.length) {
    form.scrollIntoView({ block: 'center' });
    form.querySelector('input[type=password]').focus();
  }
}

// ------------------------------------------------------------------ tabs and leaving

const channel = 'BroadcastChannel' in window ? new BroadcastChannel(CHANNEL) : null;

function announce() {
  if (channel) channel.postMessage({ from: S.tabId });
}

if (channel) {
  channel.onmessage = (ev) => {
    if (ev.data && ev.data.from !== S.tabId && S.nonce) {
      S.cryptoMeta = undefined; // a passphrase may have been set, or everything forgotten
      S.load = null;
      post({ type: 'changed' });
    }
  };
}

window.addEventListener('beforeunload', (ev) => {
  // Writes this tab holds that the browser has not kept: ask before the tab goes.
  if (S.unsaved || S.inFlight > 0) {
    ev.preventDefault();
    ev.returnValue = ''; // older browsers need a value to show the prompt
  }
});

// ------------------------------------------------------------------ entry point

export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  S.send = setTriggerValue;
  S.root = parentElement;
  S.data = data || {};
  if (S.data.nonce !== S.nonce) {
    // A new Python session: the first call, or the server restarted under this page.
    S.nonce = S.data.nonce;
    S.nextMsg = 1;
    S.outbox = [];
    S.appliedSeq = 0;
    S.load = null;
    S.sentChunk = null;
    S.statusKey = null;
    S.seenLoadId = null;
  }
  const ack = S.data.ack || 0;
  S.outbox = S.outbox.filter((msg) => msg.m > ack);
  if (!S.outbox.length) clearTimeout(S.resendTimer);
  S.unsaved = !!S.data.unsaved;
  render();
  later(() => handle(S.data));
}
