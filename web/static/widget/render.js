/*
 * What the parent sees: message bubbles (urgent ones with a label and tap-to-call
 * links), quick-reply buttons, the welcome, the notes under the header and input,
 * the alert box, the typing line and the character count.
 *
 * `w` is one widget: { cfg, view, state, busy, hooks } (see chat.js).
 */

import { el, linkified, telHref } from "./dom.js";

export function careTeamSentence(cfg) {
  return "For anything about your child, contact your child's care team" +
    (cfg.careTeam ? ": " + cfg.careTeam + "." : ".");
}

function emergencySentence(cfg) {
  return "In an emergency, call " + (cfg.emergencyNumber || "your local emergency number") + " now.";
}

export function welcomeText(cfg) {
  return "Hello. I answer questions about cytokine release syndrome (CRS) after immunotherapy, " +
    "using one article for families. I can't give medical advice or say whether your child has CRS. " +
    careTeamSentence(cfg) +
    (cfg.welcomeButtons.length ? " Tap a common question below, or type your own." : "");
}

/** The notes: not medical advice (under the header), how long the chat is saved (under the input). */
export function renderNote(w) {
  const hours = w.cfg.ttlHours;
  w.view.note.textContent = "This helper gives general information, not medical advice. " + careTeamSentence(w.cfg);
  w.view.saved.textContent = "This chat is kept in this browser tab until you close it, and for at most " +
    hours + (hours === 1 ? " hour" : " hours") + " after your last message. Start over clears it.";
}

/** Tap-to-call links for the emergency number and the care team, or null when there is neither. */
export function callLinks(cfg) {
  const links = el("p", { class: "crs-call" });
  if (cfg.emergencyNumber) {
    links.appendChild(el("a", {
      class: "crs-call__link crs-call__link--emergency", href: telHref(cfg.emergencyNumber),
      text: "Call " + cfg.emergencyNumber + " (emergency)",
    }));
  }
  if (cfg.careTeamPhone) {
    links.appendChild(el("a", {
      class: "crs-call__link", href: telHref(cfg.careTeamPhone), text: "Call the care team: " + cfg.careTeamPhone,
    }));
  }
  return links.childNodes.length ? links : null;
}

function quickReplies(entry, onTap) {
  return el("div", {
    class: "crs-quick", role: "group", "aria-label": entry.welcome ? "Common questions" : "Suggested questions",
  }, entry.buttons.map((button) => {
    const b = el("button", { type: "button", class: "crs-button crs-quick__button", text: button.title });
    b.addEventListener("click", () => onTap(button));
    return b;
  }));
}

/** One bot or parent message; `live` adds its quick-reply buttons. */
export function renderMessage(w, entry, live) {
  const isBot = entry.role === "bot";
  const classes = "crs-msg crs-msg--" + (isBot ? "bot" : "user") + (entry.urgent ? " crs-msg--urgent" : "");
  const node = el("div", { class: classes, "data-id": entry.id || null });
  node.appendChild(el("span", { class: "crs-visually-hidden", text: isBot ? "The assistant said: " : "You said: " }));
  if (entry.urgent) {
    node.appendChild(el("p", {
      class: "crs-urgent-label",
      text: entry.level === "emergency" ? "Emergency: act now" : "Urgent: contact the care team now",
    }));
  }
  // dir="auto": a message in Arabic (or any right-to-left script) reads right to left.
  const text = el("p", { class: "crs-msg__text", dir: "auto" });
  if (isBot) text.appendChild(linkified(entry.text));
  else text.textContent = entry.text;
  node.appendChild(text);
  const links = entry.urgent ? callLinks(w.cfg) : null;
  if (links) node.appendChild(links);
  if (isBot && live && entry.buttons && entry.buttons.length) node.appendChild(quickReplies(entry, w.hooks.quickReply));
  if (isBot && entry.rateable) node.appendChild(w.hooks.feedback(entry));
  return node;
}

/** An error in the alert box. `notSent`: the assistant could not answer, so also say
 *  what to do in an emergency (the parent may have been describing one). */
export function showError(w, message, careTeam, notSent) {
  const box = w.view.errorBox;
  box.textContent = "";
  box.appendChild(el("p", { text: message }));
  if (notSent) box.appendChild(el("p", { class: "crs-error__emergency", text: emergencySentence(w.cfg) }));
  box.appendChild(el("p", { text: careTeam || careTeamSentence(w.cfg) }));
  const links = callLinks(w.cfg);
  if (links) box.appendChild(links);
  box.classList.add("crs-error--on");
}

export function clearError(w) {
  w.view.errorBox.textContent = "";
  w.view.errorBox.classList.remove("crs-error--on");
}

export function updateCount(w) {
  const { input, count } = w.view;
  count.textContent = input.value.length + " of " + w.cfg.maxChars + " characters";
  count.classList.toggle("crs-count--full", input.value.length >= w.cfg.maxChars);
}

/** While waiting for the assistant: Send disabled, the panel aria-busy, "typing…" shown. */
export function setBusy(w, value) {
  const { sendButton, panel, typing } = w.view;
  w.busy = value;
  sendButton.disabled = value;
  panel.setAttribute("aria-busy", value ? "true" : "false");
  typing.textContent = value ? "The assistant is typing…" : "";
  typing.classList.toggle("crs-typing--on", value);
}
