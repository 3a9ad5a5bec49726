/*
 * The thumbs under an answer: "Helpful" / "Not helpful" buttons (aria-pressed shows the
 * choice, kept in the saved transcript). A rating is sent to /api/feedback; the bot's
 * thanks are added to the conversation (not rateable themselves).
 */

import { postFeedback } from "./api.js";
import { addBotMessages } from "./conversation.js";
import { el } from "./dom.js";
import { clearError, setBusy, showError } from "./render.js";

const CHOICES = [["up", "👍", "Helpful"], ["down", "👎", "Not helpful"]];

function markChoice(group, value) {
  group.querySelectorAll("button").forEach((b) => {
    b.setAttribute("aria-pressed", b.getAttribute("data-value") === value ? "true" : "false");
  });
}

function rate(w, entry, value, group) {
  if (w.busy || entry.feedback === value) return;
  setBusy(w, true);
  clearError(w);
  postFeedback(w.server, { sender: w.state.sender, value, message_id: entry.id })
    .then((data) => {
      entry.feedback = value;
      w.store.write(w.state);
      markChoice(group, value);
      addBotMessages(w, data.messages, false);
    })
    .catch((error) => showError(w, error.message, error.careTeam))
    .finally(() => setBusy(w, false));
}

/** The thumbs group for a rateable bot message `entry`. */
export function renderFeedback(w, entry) {
  const group = el("div", { class: "crs-feedback", role: "group", "aria-label": "Was this answer helpful?" });
  CHOICES.forEach(([value, icon, label]) => {
    const button = el("button", {
      type: "button", class: "crs-button crs-feedback__button", "data-value": value,
      "aria-pressed": entry.feedback === value ? "true" : "false",
    }, [el("span", { "aria-hidden": "true", text: icon + " " }), label]);
    button.addEventListener("click", () => rate(w, entry, value, group));
    group.appendChild(button);
  });
  return group;
}
