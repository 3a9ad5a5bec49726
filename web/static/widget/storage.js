/*
 * The saved conversation: one sessionStorage key per server (an in-memory copy when
 * storage is blocked). It survives a reload and moving between the site's pages in the same
 * tab, and the browser deletes it when the tab is closed: nothing is left at rest on the
 * device for the next user of a shared phone or computer. Within the tab it is kept for `ttl`
 * hours after the last message: an idle one is deleted when the page loads, when it is shown
 * again, and while it stays open (chat.js checks every minute); "Start over" deletes it at once.
 * A conversation an earlier version kept in localStorage is deleted when the page loads.
 *
 * State: { sender, transcript: [entries], open, lastActivity (ms since the epoch) }; `sender` is
 * the conversation token the gateway issued ("" until the first message asks for one).
 * Entries: { role, text, at?, ... }; `at` (ms since the epoch) is when it was added; entries
 * saved by earlier versions have none.
 */

export const STORAGE_PREFIX = "crs-chat:v1:";
export const DEFAULT_TTL_HOURS = 24;
const MAX_TTL_HOURS = 24 * 30; // as web/pages.py allows
const HOUR_MS = 3600 * 1000;

/** read/write/remove of one key; failures fall back to memory, never throw. */
export function makeStore(key) {
  const memory = {};
  try {
    window.localStorage.removeItem(key); // where earlier versions kept it, past the tab's life
  } catch (e) { /* storage blocked: nothing was stored */ }
  function read() {
    try {
      const raw = window.sessionStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return memory[key] || null;
    }
  }
  function write(value) {
    memory[key] = value;
    try {
      window.sessionStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* storage full or blocked: keep the in-memory copy */ }
  }
  function remove() {
    delete memory[key];
    try {
      window.sessionStorage.removeItem(key);
    } catch (e) { /* storage blocked: nothing was stored */ }
  }
  return { read, write, remove };
}

/** Whole hours from a data attribute or /api/config, or null when absent or invalid. */
export function ttlHours(raw) {
  if (raw === undefined || raw === null || raw === "") return null;
  const hours = typeof raw === "number" ? raw : Number(String(raw).trim());
  return Math.floor(hours) === hours && hours >= 1 && hours <= MAX_TTL_HOURS ? hours : null;
}

/** A stored conversation with messages whose last message is `hours` old or more
 *  (or has no time: stored before conversations expired) is expired. */
export function isExpired(state, hours) {
  if (!state.transcript.length) return false;
  const last = state.lastActivity;
  if (typeof last !== "number" || !isFinite(last)) return true;
  return Math.abs(Date.now() - last) >= hours * HOUR_MS;
}

function isValidState(state) {
  return !!state && typeof state === "object" && typeof state.sender === "string" &&
    Array.isArray(state.transcript);
}

/** A new conversation (nothing is stored until there is something to keep). */
export function freshState(open) {
  return { sender: "", transcript: [], open };
}

/** The saved conversation, or a fresh one (deleting a saved one that is invalid or idle). */
export function loadState(store, hours) {
  const state = store.read();
  if (isValidState(state) && !isExpired(state, hours)) return state;
  if (state !== null) store.remove();
  return freshState(false);
}
