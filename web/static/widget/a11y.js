/*
 * Keyboard and focus: Enter sends (Shift+Enter adds a new line), the floating
 * widget's launcher / close button / Escape, the page's skip link, and focus kept in
 * the chat when the buttons it was on are removed.
 *
 * A link on the page to the container's id (a skip link such as
 * <a href="#crs-chat">Skip to the chat</a>) opens the chat and moves focus into its input.
 */

/** Enter submits the form (Shift+Enter and IME composition do not). */
export function submitOnEnter(input, form) {
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit();
      else form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
}

/** `group` is about to be removed: move focus out of it to the log, not to the page. */
export function keepFocusInChat(w, group) {
  if (group.contains(document.activeElement)) w.view.log.focus({ preventScroll: true });
}

/** Open or close the floating panel (remembered with the conversation); inline: nothing. */
export function setOpen(w, open, focusInput) {
  if (!w.cfg.floating) return;
  const { panel, launcher, input } = w.view;
  if (w.state.open !== open) {
    w.state.open = open;
    w.store.write(w.state);
  }
  panel.hidden = !open;
  launcher.setAttribute("aria-expanded", open ? "true" : "false");
  launcher.hidden = open;
  if (open && focusInput) input.focus();
  if (!open && focusInput) launcher.focus();
}

export function bindLauncher(w) {
  if (!w.cfg.floating) return;
  w.view.launcher.addEventListener("click", () => setOpen(w, true, true));
  w.view.closeButton.addEventListener("click", () => setOpen(w, false, true));
  w.view.panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") setOpen(w, false, true);
  });
}

/** Bring the chat into view and put the cursor in its input. */
function goToChat(w) {
  if (w.cfg.floating) {
    setOpen(w, true, true);
    return;
  }
  w.view.panel.scrollIntoView({ block: "start" });
  w.view.input.focus({ preventScroll: true });
}

/** Links to "#<container id>" anywhere on the page go to the chat. */
export function bindSkipLink(w, container) {
  if (!container.id) return;
  document.addEventListener("click", (event) => {
    const link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.getAttribute("href") !== "#" + container.id) return;
    event.preventDefault();
    goToChat(w);
  });
}
