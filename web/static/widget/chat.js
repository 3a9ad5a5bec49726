/*
 * One widget in one container: builds its DOM, restores the saved conversation, wires
 * the events, then completes its settings from /api/config (the page's data-* values
 * win; see main.js).
 *
 * `w`, shared by the modules, is { n, server, cfg, store, state, busy, view, hooks, summary }.
 */

import { bindLauncher, bindSkipLink, setOpen, submitOnEnter } from "./a11y.js";
import { getConfig, validButtons } from "./api.js";
import { expireIfIdle, renderAll, restart, send } from "./conversation.js";
import { renderFeedback } from "./feedback.js";
import { renderNote, showError, updateCount } from "./render.js";
import { freshState, isExpired, loadState, makeStore, STORAGE_PREFIX, ttlHours } from "./storage.js";
import { mountSummary, updateSummary } from "./summary_view.js";
import { applyColours, buildView, ensureStylesheet } from "./view.js";

/** The server's settings fill in what the page did not set; an idle conversation goes. */
function applyRemoteConfig(w, remote) {
  const cfg = w.cfg;
  cfg.careTeam = cfg.careTeam || remote.care_team_contact || "";
  cfg.careTeamPhone = cfg.careTeamPhone || remote.care_team_phone || "";
  cfg.emergencyNumber = cfg.emergencyNumber || remote.emergency_number || "911";
  cfg.welcomeButtons = validButtons(remote.welcome_buttons);
  cfg.ttlHours = cfg.ttlFromPage || ttlHours(remote.transcript_ttl_hours) || cfg.ttlHours;
  if (!w.busy && isExpired(w.state, cfg.ttlHours)) {
    w.store.remove();
    w.state = freshState(w.state.open);
  }
  renderNote(w);
  renderAll(w);
}

function loadConfig(w) {
  getConfig(w.server)
    .then((remote) => applyRemoteConfig(w, remote))
    .catch(() => { w.cfg.emergencyNumber = w.cfg.emergencyNumber || "911"; });
}

function bindForm(w) {
  const { form, input, startOver } = w.view;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) {
      showError(w, "Please type a question before sending.");
      input.focus();
      return;
    }
    send(w, text, text, true);
  });
  submitOnEnter(input, form);
  input.addEventListener("input", () => updateCount(w));
  startOver.addEventListener("click", () => restart(w));
}

// How often an open page looks whether its conversation has gone idle (storage.js).
const EXPIRY_CHECK_MS = 60 * 1000;

/** A tab left open: delete an idle conversation when the page is shown again, and while open. */
function bindExpiry(w) {
  window.setInterval(() => expireIfIdle(w), EXPIRY_CHECK_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") expireIfIdle(w);
  });
  window.addEventListener("pageshow", (event) => { if (event.persisted) expireIfIdle(w); });
}

/** Start widget number `n` in `container` with `cfg` (from main.js `readConfig`). */
export function startWidget(container, n, cfg) {
  const store = makeStore(STORAGE_PREFIX + cfg.server);
  const w = { n, server: cfg.server, cfg, store, state: loadState(store, cfg.ttlHours), busy: false };
  w.hooks = {
    quickReply: (button) => send(w, button.payload, button.title, false, true),
    feedback: (entry) => renderFeedback(w, entry),
    transcriptChanged: () => updateSummary(w),
  };
  ensureStylesheet(w.server);
  w.view = buildView(cfg, n);
  applyColours(w.view.root, container.dataset);
  container.textContent = "";
  container.appendChild(w.view.root);
  mountSummary(w);

  bindForm(w);
  bindExpiry(w);
  bindSkipLink(w, container);
  bindLauncher(w);

  loadConfig(w);
  renderNote(w);
  renderAll(w);
  updateCount(w);
  setOpen(w, !!w.state.open, false);
  return w;
}
