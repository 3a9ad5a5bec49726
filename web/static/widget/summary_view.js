/*
 * "Summary for your care team": a button under the conversation (shown once the parent has
 * asked something) opens a modal <dialog> with the summary (summary.js), a "Print" button
 * (window.print(); widget.css prints only the summary) and "Download as text" (a Blob the
 * browser saves as crs-summary-YYYY-MM-DD-HHMM.txt). All of it is built in the browser from
 * the transcript on the device: nothing is sent or stored.
 *
 * Keyboard: focus moves to the dialog's title on open; Escape or "Close" closes it and focus
 * goes back to the button. The dialog is outside the panel, so Escape does not also close the
 * floating panel. A closed summary is removed from the page. While it is open, an answer
 * that arrives updates it, and a conversation deleted for being idle closes it.
 */

import { el, telHref } from "./dom.js";
import { answerLabel, buildSummary, fileName, hasQuestions, SUMMARY_TITLE, summaryText } from "./summary.js";

const REVOKE_AFTER_MS = 60 * 1000;

function button(className, text) {
  return el("button", { type: "button", class: "crs-button " + className, text });
}

function buildDialog(n) {
  const titleId = "crs-summary-title-" + n;
  const parts = {
    title: el("h2", { class: "crs-summary__title", id: titleId, tabindex: "-1", text: SUMMARY_TITLE }),
    print: button("crs-summary__print", "Print"),
    download: button("crs-summary__download", "Download as text"),
    close: button("crs-summary__close", "Close"),
    status: el("p", { class: "crs-summary__status", role: "status" }),
    body: el("div", { class: "crs-summary__body" }),
  };
  parts.dialog = el("dialog", { class: "crs-summary", "aria-labelledby": titleId }, [
    el("div", { class: "crs-summary__header" }, [
      parts.title,
      el("div", { class: "crs-summary__actions" }, [parts.print, parts.download, parts.close]),
    ]),
    parts.status,
    parts.body,
  ]);
  return parts;
}

function renderAnswer(answer) {
  const urgent = answer.urgent ? " crs-summary__answer--urgent" : "";
  return el("p", { class: "crs-summary__answer" + urgent }, [
    el("strong", { text: answerLabel(answer) + ": " }),
    el("span", { dir: "auto", text: answer.text }),
  ]);
}

function renderQuestion(q) {
  const answers = q.answers.length ? q.answers.map(renderAnswer)
    : [el("p", { class: "crs-summary__answer", text: "Answer: (no answer was shown)" })];
  return el("li", { class: "crs-summary__entry" }, [
    el("h3", { class: "crs-summary__heading", text: q.heading }),
    el("p", { class: "crs-summary__question" }, [
      el("strong", { text: "Question: " }),
      el("span", { dir: "auto", text: q.question }),
    ]),
    ...answers,
  ]);
}

function renderContact([label, value, phone]) {
  return el("li", {}, [label + ": ", phone ? el("a", { href: telHref(phone), text: value }) : value]);
}

function renderBody(body, summary) {
  body.textContent = "";
  [
    el("p", { class: "crs-summary__made", text: summary.madeLine }),
    el("ol", { class: "crs-summary__list" }, summary.questions.map(renderQuestion)),
    el("p", { class: "crs-summary__source", text: summary.source }),
    el("ul", { class: "crs-summary__contacts", "aria-label": "Contacts" }, summary.contacts.map(renderContact)),
    el("p", { class: "crs-summary__advice", text: summary.notAdvice }),
  ].forEach((node) => body.appendChild(node));
}

function refresh(w) {
  const s = w.summary;
  s.current = buildSummary(w.state.transcript, w.cfg, Date.now());
  renderBody(s.body, s.current);
}

function open(w) {
  const s = w.summary;
  refresh(w);
  s.status.textContent = "";
  s.dialog.showModal();
  s.body.scrollTop = 0;
  s.title.focus();
}

/** The browser saves the summary as a text file; nothing leaves the device. */
function download(s) {
  const blob = new Blob([summaryText(s.current)], { type: "text/plain;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const name = fileName(s.current.made);
  const link = el("a", { href: url, download: name, hidden: true });
  s.dialog.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  s.status.textContent = "Saving the summary as " + name + ".";
}

function bind(w) {
  const s = w.summary;
  s.openButton.addEventListener("click", () => open(w));
  s.close.addEventListener("click", () => s.dialog.close());
  s.print.addEventListener("click", () => window.print());
  s.download.addEventListener("click", () => download(s));
  s.dialog.addEventListener("close", () => closed(w));
}

/** Closed: the summary is not kept in the page; focus goes back to the button (or the input). */
function closed(w) {
  const s = w.summary;
  s.body.textContent = "";
  s.current = null;
  (s.bar.hidden ? w.view.input : s.openButton).focus();
}

/** Add the button (before the form) and the dialog (outside the panel) to widget `w`. */
export function mountSummary(w) {
  const openButton = el("button", {
    type: "button", class: "crs-button crs-summary-open", "aria-haspopup": "dialog", text: SUMMARY_TITLE,
  });
  const bar = el("div", { class: "crs-summary-bar", hidden: true }, [openButton]);
  w.summary = { ...buildDialog(w.n), openButton, bar, current: null };
  w.view.panel.insertBefore(bar, w.view.form);
  w.view.root.appendChild(w.summary.dialog);
  bind(w);
}

/** The transcript changed: show the button once there is a question; keep an open summary current. */
export function updateSummary(w) {
  const s = w.summary;
  const any = hasQuestions(w.state.transcript);
  s.bar.hidden = !any;
  if (!s.dialog.open) return;
  if (any) refresh(w);
  else s.dialog.close();
}
