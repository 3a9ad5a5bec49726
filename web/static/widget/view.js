/*
 * The widget's DOM, built once: a launcher button (floating mode) and a panel with a
 * header, notes, the conversation log, a typing/status line, an alert box and the form.
 * Returns the nodes the other modules use.
 */

import { el } from "./dom.js";

const COLOURS = [
  ["colorPrimary", "--crs-primary"],
  ["colorOnPrimary", "--crs-on-primary"],
  ["colorUrgent", "--crs-urgent"],
  ["colorUserBubble", "--crs-user-bubble"],
];

function idsFor(n) {
  return {
    panel: "crs-panel-" + n, title: "crs-title-" + n, input: "crs-input-" + n,
    count: "crs-count-" + n, hint: "crs-hint-" + n, note: "crs-note-" + n,
  };
}

function buildLauncher(cfg, ids) {
  return el("button", {
    type: "button", class: "crs-launcher", "aria-expanded": "false", "aria-controls": ids.panel,
  }, [el("span", { class: "crs-launcher__icon", "aria-hidden": "true", text: "💬" }), cfg.title]);
}

function buildForm(cfg, ids) {
  const input = el("textarea", {
    id: ids.input, class: "crs-input", rows: "2", maxlength: String(cfg.maxChars),
    "aria-describedby": ids.hint + " " + ids.count, autocomplete: "off",
  });
  const count = el("p", { class: "crs-count", id: ids.count });
  const sendButton = el("button", { type: "submit", class: "crs-button crs-send", text: "Send" });
  const saved = el("p", { class: "crs-saved" });
  const form = el("form", { class: "crs-form", novalidate: true }, [
    el("label", { for: ids.input, class: "crs-label", text: "Type your question" }),
    input,
    el("div", { class: "crs-form__row" }, [
      el("p", { class: "crs-hint", id: ids.hint, text: "Press Enter to send. Shift+Enter adds a new line." }),
      count,
    ]),
    sendButton,
    saved,
  ]);
  return { form, input, count, sendButton, saved };
}

/** Widget number `n`'s nodes, not yet in the page. */
export function buildView(cfg, n) {
  const ids = idsFor(n);
  const launcher = cfg.floating ? buildLauncher(cfg, ids) : null;
  const startOver = el("button", { type: "button", class: "crs-button crs-start-over", text: "Start over" });
  const closeButton = cfg.floating ? el("button", {
    type: "button", class: "crs-button crs-close", "aria-label": "Close chat", text: "✕",
  }) : null;
  const note = el("p", { class: "crs-note", id: ids.note });
  const log = el("div", {
    class: "crs-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": "Conversation", tabindex: "0",
  });
  const typing = el("p", { class: "crs-typing", role: "status" });
  const errorBox = el("div", { class: "crs-error", role: "alert" });
  const formParts = buildForm(cfg, ids);
  const panel = el("section", { class: "crs-panel", id: ids.panel, "aria-labelledby": ids.title }, [
    el("div", { class: "crs-header" }, [
      el("h2", { class: "crs-title", id: ids.title, text: cfg.title }),
      el("div", { class: "crs-header__actions" }, [startOver, closeButton]),
    ]),
    note, log, typing, errorBox, formParts.form,
  ]);
  const root = el("div", { class: "crs-widget " + (cfg.floating ? "crs-widget--floating" : "crs-widget--inline") },
    [launcher, panel]);
  return { root, launcher, panel, startOver, closeButton, note, log, typing, errorBox, ...formParts };
}

/** The page's colours (data-color-*), when the browser accepts them as colours. */
export function applyColours(root, data) {
  COLOURS.forEach(([attribute, property]) => {
    const value = data[attribute];
    if (value && window.CSS && CSS.supports("color", value)) root.style.setProperty(property, value);
  });
}

/** Load the widget's stylesheet from its own server unless the page already has it. */
export function ensureStylesheet(server) {
  const href = new URL(server + "/static/widget.css", window.location.href).href;
  const links = document.querySelectorAll('link[rel="stylesheet"]');
  if (Array.from(links).some((link) => link.href === href)) return;
  document.head.appendChild(el("link", { rel: "stylesheet", href: server + "/static/widget.css" }));
}
