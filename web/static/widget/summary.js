/*
 * The summary for the care team, as plain data and as plain text, built from the
 * transcript on the device (pure functions: no DOM, no network, nothing stored).
 *
 * Each of the parent's messages is a question; the bot messages after it, up to the next
 * question, are its answers (the thanks for a rating are left out). Times are the device's
 * local time; an entry saved before entries had a time (`at`) reads "time not recorded".
 */

export const SUMMARY_TITLE = "Summary for your care team";

// Where the answers come from: the wording of the parents' page (web/pages.py).
export const SOURCE_LINE = "All answers are based on one article: \"Cytokine Release Syndrome (CRS) " +
  "After Immunotherapy\", from Together, a resource for people affected by pediatric cancer, " +
  "reviewed March 2019.";

export const NOT_ADVICE = "This is general information from an automated helper, not medical advice. " +
  "Please contact your child's care team about your child.";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const NO_TIME = "time not recorded";

function pad(n) {
  return String(n).padStart(2, "0");
}

function isTime(ms) {
  return typeof ms === "number" && isFinite(ms) && !isNaN(new Date(ms).getTime());
}

/** "8 Dec 2026, 03:12" in local time (24-hour clock, month by name), or "time not recorded". */
export function formatTime(ms) {
  if (!isTime(ms)) return NO_TIME;
  const d = new Date(ms);
  return d.getDate() + " " + MONTHS[d.getMonth()] + " " + d.getFullYear() + ", " +
    pad(d.getHours()) + ":" + pad(d.getMinutes());
}

/** "crs-summary-2026-12-08-0312.txt" for a summary made at `ms` (local time). */
export function fileName(ms) {
  const d = new Date(ms);
  return "crs-summary-" + d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
    "-" + pad(d.getHours()) + pad(d.getMinutes()) + ".txt";
}

/** How an answer is labelled: urgent and emergency replies stand out. */
export function answerLabel(answer) {
  if (!answer.urgent) return "Answer";
  return answer.level === "emergency" ? "EMERGENCY reply shown" : "URGENT reply shown";
}

/** A reply to a rating ("Thank you for your feedback"), not to a question. */
function isRatingReply(entry) {
  return entry.rateable === false;
}

/** The questions in `transcript`: [{ at, question, answers: [{ text, urgent, level }] }]. */
export function questions(transcript) {
  const list = [];
  (transcript || []).forEach((entry) => {
    if (!entry || typeof entry.text !== "string") return;
    if (entry.role === "user") list.push({ at: entry.at, question: entry.text, answers: [] });
    else if (list.length && !isRatingReply(entry)) {
      list[list.length - 1].answers.push({ text: entry.text, urgent: !!entry.urgent, level: entry.level || null });
    }
  });
  return list;
}

/** Whether there is anything to summarise. */
export function hasQuestions(transcript) {
  return (transcript || []).some((entry) => entry && entry.role === "user");
}

/** The contact lines: [label, value, phone number to call or null]. */
function contacts(cfg) {
  const lines = [];
  if (cfg.careTeam) lines.push(["Care team", cfg.careTeam, null]);
  if (cfg.careTeamPhone) lines.push(["Care team phone", cfg.careTeamPhone, cfg.careTeamPhone]);
  const emergency = cfg.emergencyNumber;
  lines.push(["Emergency number", emergency || "your local emergency number", emergency || null]);
  return lines;
}

/** Everything the summary shows, made at `now` (ms since the epoch). */
export function buildSummary(transcript, cfg, now) {
  return {
    title: SUMMARY_TITLE,
    made: now,
    madeLine: "Made on " + formatTime(now) + " (this device's local time), from the chat on this device.",
    questions: questions(transcript).map((q, i) => ({
      ...q, heading: "Question " + (i + 1) + ", asked " + formatTime(q.at),
    })),
    source: SOURCE_LINE,
    contacts: contacts(cfg),
    notAdvice: NOT_ADVICE,
  };
}

function questionText(q) {
  const lines = [q.heading, "Question: " + q.question];
  if (!q.answers.length) lines.push("Answer: (no answer was shown)");
  q.answers.forEach((a) => lines.push(answerLabel(a) + ": " + a.text));
  return lines.join("\n");
}

/** The summary as a plain-text document (the downloaded file). */
export function summaryText(summary) {
  return [
    summary.title + "\n" + summary.madeLine,
    ...summary.questions.map(questionText),
    summary.source,
    summary.contacts.map(([label, value]) => label + ": " + value).join("\n"),
    summary.notAdvice,
  ].join("\n\n") + "\n";
}
