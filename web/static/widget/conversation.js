/*
 * The conversation: the transcript (saved, see storage.js) and its log, sending a
 * message, and starting over.
 *
 * Quick replies: the welcome offers common topics and bot answers may carry buttons.
 * Only the latest ones can be tapped: once the parent sends a message (typed or
 * tapped), every earlier group of buttons is removed.
 *
 * When a message cannot be sent (Rasa down, the gateway failing, no network) the
 * alert says what to do in an emergency and how to reach the care team, and the
 * message goes back into the input (a tapped question's buttons come back) to send again.
 */

import { postChat, postConversation } from "./api.js";
import { keepFocusInChat } from "./a11y.js";
import { clearError, renderMessage, setBusy, showError, updateCount, welcomeText } from "./render.js";
import { freshState, isExpired } from "./storage.js";

function scrollToEnd(w) {
  w.view.log.scrollTop = w.view.log.scrollHeight;
}

/** The welcome (never stored, so a restored transcript cannot repeat it), then the
 *  transcript; only the bot messages after the parent's last message keep buttons. */
export function renderAll(w) {
  const { log } = w.view;
  const transcript = w.state.transcript;
  let lastUser = -1;
  transcript.forEach((entry, i) => { if (entry.role === "user") lastUser = i; });
  log.textContent = "";
  log.appendChild(renderMessage(w,
    { role: "bot", text: welcomeText(w.cfg), buttons: w.cfg.welcomeButtons, welcome: true }, lastUser < 0));
  transcript.forEach((entry, i) => log.appendChild(renderMessage(w, entry, i > lastUser)));
  scrollToEnd(w);
  w.hooks.transcriptChanged();
}

/** The parent has moved on: remove every earlier group of buttons, keeping focus in the chat. */
function retireQuickReplies(w) {
  w.view.log.querySelectorAll(".crs-quick").forEach((group) => {
    keepFocusInChat(w, group);
    group.remove();
  });
}

/** Add `entry` to the transcript with the time (`at`, ms since the epoch) it was added. */
function append(w, entry) {
  entry.at = Date.now();
  w.state.transcript.push(entry);
  w.state.lastActivity = entry.at;
  w.store.write(w.state);
  if (entry.role === "user") retireQuickReplies(w);
  w.view.log.appendChild(renderMessage(w, entry, true));
  scrollToEnd(w);
  w.hooks.transcriptChanged();
}

export function addBotMessages(w, messages, rateable) {
  (messages || []).forEach((m) => append(w, {
    role: "bot", id: m.id, text: m.text, buttons: m.buttons || [],
    urgent: !!m.urgent, level: m.level || null, rateable, feedback: null,
  }));
}

/** Nothing is lost: a typed message goes back into the input to re-send (text typed
 *  while waiting stays too, after it), and a tapped question's buttons come back. */
function restoreUnsent(w, userEntry, message, quickReply, error) {
  const index = w.state.transcript.lastIndexOf(userEntry);
  if (index >= 0) w.state.transcript.splice(index, 1);
  if (w.state.transcript.length) w.store.write(w.state);
  else w.store.remove();
  renderAll(w);
  if (quickReply) {
    showError(w, error.message + " Please tap your question again.", error.careTeam, true);
    return;
  }
  const input = w.view.input;
  const typed = input.value;
  input.value = !typed || typed === message ? message : message + "\n" + typed;
  updateCount(w);
  showError(w, error.message + " Your message is still in the box below.", error.careTeam, true);
}

/** Send `message` to the bot, showing `shown` as the parent's bubble. A tapped button
 *  (`quickReply`) sends its payload, which the gateway may forward as an intent. */
export function send(w, message, shown, fromInput, quickReply) {
  if (w.busy) return;
  clearError(w);
  const userEntry = { role: "user", text: shown };
  append(w, userEntry);
  if (fromInput) {
    w.view.input.value = "";
    updateCount(w);
  }
  setBusy(w, true);
  sendInConversation(w, message, quickReply, true)
    .then((data) => addBotMessages(w, data.messages, true))
    .catch((error) => restoreUnsent(w, userEntry, message, quickReply, error))
    .finally(() => setBusy(w, false));
}

/** The conversation's token, asked of the gateway for a new conversation. */
async function conversationToken(w) {
  if (!w.state.sender) {
    const data = await postConversation(w.server);
    w.state.sender = String(data.conversation || "");
    w.store.write(w.state);
  }
  return w.state.sender;
}

/** Codes after which the message is sent again, once, in a new conversation: a token the
 *  gateway no longer knows (it restarted without a shared secret, or one from an older
 *  widget), or a conversation that is full. The parent's message is never dropped. */
const NEW_CONVERSATION_CODES = ["invalid_conversation", "conversation_full"];

async function sendInConversation(w, message, quickReply, mayRetry) {
  const body = { sender: await conversationToken(w), message };
  if (quickReply) body.quick_reply = true;
  try {
    return await postChat(w.server, body);
  } catch (error) {
    if (!mayRetry || !NEW_CONVERSATION_CODES.includes(error.code)) throw error;
    w.state.sender = "";
    return sendInConversation(w, message, quickReply, false);
  }
}

/** Delete the stored conversation and show an empty one (the panel stays as it is). */
export function forget(w) {
  w.store.remove();
  w.state = freshState(w.state.open);
  renderAll(w);
}

/** A tab left open (shown again, or a minute has passed): delete the conversation if it is idle. */
export function expireIfIdle(w) {
  if (w.busy || !isExpired(w.state, w.cfg.ttlHours)) return;
  forget(w);
  clearError(w);
}

/** "Start over": a new conversation, with the cursor in the input. */
export function restart(w) {
  forget(w);
  clearError(w);
  w.view.input.value = "";
  updateCount(w);
  w.view.typing.textContent = "Started a new conversation.";
  w.view.input.focus();
}
