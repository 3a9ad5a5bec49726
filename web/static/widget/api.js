/*
 * The gateway's API: POST /api/chat and /api/feedback, GET /api/config. Failures become
 * Errors whose message tells the parent what happened (and `careTeam`, when the
 * gateway gave the care team's contact).
 */

const CLIENT_TIMEOUT_MS = 45000;

/** A proxy's error page has no JSON message: say what it means for the parent. */
function httpError(status, data) {
  const fallback = status >= 500
    ? "The assistant cannot be reached right now. Your message was not sent."
    : "Something went wrong.";
  const error = new Error((data && data.error && data.error.message) || fallback);
  error.careTeam = data ? data.care_team : undefined;
  error.code = data && data.error ? data.error.code : undefined;
  return error;
}

function networkError(err) {
  return new Error(err && err.name === "AbortError"
    ? "The assistant is taking too long to answer."
    : "The assistant cannot be reached right now. Please check your connection.");
}

async function postJSON(url, body) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), CLIENT_TIMEOUT_MS);
  try {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: controller.signal,
        credentials: "omit",
      });
    } catch (err) {
      throw networkError(err);
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw httpError(response.status, data);
    return data;
  } finally {
    clearTimeout(timer);
  }
}

/** A new conversation's token (the `sender` of each message): { conversation } */
export function postConversation(server) {
  return postJSON(server + "/api/conversations", {});
}

/** { sender, message, quick_reply? } -> { messages: [...] } */
export function postChat(server, body) {
  return postJSON(server + "/api/chat", body);
}

/** { sender, value, message_id } -> { messages: [...] } */
export function postFeedback(server, body) {
  return postJSON(server + "/api/feedback", body);
}

/** The gateway's settings for the widget ({} when it answers with an error status). */
export async function getConfig(server) {
  const response = await fetch(server + "/api/config", { credentials: "omit" });
  return response.ok ? response.json() : {};
}

/** Buttons from the server: objects with a string title and payload, nothing else. */
export function validButtons(raw) {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((b) => b && typeof b.title === "string" && b.title.trim() && typeof b.payload === "string" && b.payload)
    .map((b) => ({ title: b.title, payload: b.payload }));
}
