/*
 * CRS questions chat widget.
 *
 * Embed with one script tag and a container:
 *   <div id="crs-chat" data-server="https://chat.example.org" data-title="Questions about CRS"
 *        data-care-team="call the number on your discharge papers" data-care-team-phone="+15550100"
 *        data-emergency-number="911" data-color-primary="#0b5cad" data-mode="floating"
 *        data-transcript-ttl-hours="24"></div>
 *   <script src="https://chat.example.org/static/widget.js" defer></script>
 *
 * Every message (the parent's and the bot's) is inserted with textContent: no HTML from
 * a message is ever parsed. Links in bot text become <a> elements built one by one.
 *
 * Quick replies: the welcome offers common topics (`welcome_buttons` from /api/config) and
 * bot answers may carry buttons. Only the latest ones can be tapped: once the parent sends
 * a message (typed or tapped), every earlier group of buttons is removed. A tap sends the
 * button's payload and shows its title as the parent's message.
 *
 * A link on the page to the container's id (a skip link such as
 * <a href="#crs-chat">Skip to the chat</a>) opens the chat and moves focus into its input.
 *
 * The conversation is kept in localStorage (one key per server) for a while after the last
 * message: `data-transcript-ttl-hours` on the container, else `transcript_ttl_hours` from
 * /api/config, else 24 hours. An idle one is deleted when the page loads or is shown again;
 * "Start over" deletes it at once. The widget says so under the input.
 *
 * When a message cannot be sent (Rasa down, the gateway failing, no network) the widget
 * shows what to do in an emergency and how to reach the care team, and puts the message
 * back into the input to send again.
 */
(function () {
  "use strict";

  var STORAGE_PREFIX = "crs-chat:v1:";
  var DEFAULT_TTL_HOURS = 24;
  var MAX_TTL_HOURS = 24 * 30;  // as web/pages.py allows
  var HOUR_MS = 3600 * 1000;
  var CLIENT_TIMEOUT_MS = 45000;
  var URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/g;
  var TRAILING_PUNCTUATION = /[.,;:!?)\]]+$/;
  var currentScript = document.currentScript;
  var scriptOrigin = currentScript && currentScript.src
    ? new URL(currentScript.src, window.location.href).origin
    : window.location.origin;
  var instanceCount = 0;

  // ---- small helpers -------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === false || value === null || value === undefined) return;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function newSenderId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function telHref(number) {
    return "tel:" + String(number).replace(/[^0-9+*#]/g, "");
  }

  /** Text with http(s) links made clickable, built node by node (never innerHTML). */
  function linkified(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(URL_PATTERN, function (match, offset) {
      var url = match.replace(TRAILING_PUNCTUATION, "");
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      fragment.appendChild(el("a", {
        href: url, rel: "noopener noreferrer", target: "_blank", text: url,
      }));
      last = offset + url.length;
      return match;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  function makeStore(key) {
    var memory = {};
    function read() {
      try {
        var raw = window.localStorage.getItem(key);
        return raw ? JSON.parse(raw) : null;
      } catch (e) {
        return memory[key] || null;
      }
    }
    function write(value) {
      memory[key] = value;
      try {
        window.localStorage.setItem(key, JSON.stringify(value));
      } catch (e) { /* storage full or blocked: keep the in-memory copy */ }
    }
    function remove() {
      delete memory[key];
      try {
        window.localStorage.removeItem(key);
      } catch (e) { /* storage blocked: nothing was stored */ }
    }
    return { read: read, write: write, remove: remove };
  }

  /** Whole hours from a data attribute or /api/config, or null when absent or invalid. */
  function ttlHours(raw) {
    if (raw === undefined || raw === null || raw === "") return null;
    var hours = typeof raw === "number" ? raw : Number(String(raw).trim());
    return Math.floor(hours) === hours && hours >= 1 && hours <= MAX_TTL_HOURS ? hours : null;
  }

  /** A stored conversation with messages whose last message is `ttl` hours old or more
   *  (or has no time: stored before conversations expired) is expired. */
  function isExpired(state, hours) {
    if (!state.transcript.length) return false;
    var last = state.lastActivity;
    if (typeof last !== "number" || !isFinite(last)) return true;
    return Math.abs(Date.now() - last) >= hours * HOUR_MS;
  }

  function isValidState(state) {
    return !!state && typeof state === "object" && typeof state.sender === "string" && state.sender &&
      Array.isArray(state.transcript);
  }

  function postJSON(url, body) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, CLIENT_TIMEOUT_MS);
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: controller.signal,
      credentials: "omit",
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          // A proxy's error page has no JSON message: say what it means for the parent.
          var fallback = response.status >= 500
            ? "The assistant cannot be reached right now. Your message was not sent."
            : "Something went wrong.";
          var error = new Error((data.error && data.error.message) || fallback);
          error.careTeam = data.care_team;
          throw error;
        }
        return data;
      });
    }, function (err) {
      var error = new Error(err && err.name === "AbortError"
        ? "The assistant is taking too long to answer."
        : "The assistant cannot be reached right now. Please check your connection.");
      throw error;
    }).finally(function () { clearTimeout(timer); });
  }

  // ---- one widget ----------------------------------------------------------------------

  function Widget(container) {
    instanceCount += 1;
    var n = instanceCount;
    var data = container.dataset;
    var server = (data.server || scriptOrigin).replace(/\/+$/, "");
    var cfg = {
      title: data.title || "Questions about CRS",
      careTeam: data.careTeam || "",
      careTeamPhone: data.careTeamPhone || "",
      emergencyNumber: data.emergencyNumber || "",
      maxChars: parseInt(data.maxChars, 10) || 1000,
      floating: data.mode !== "inline",
      welcomeButtons: [],
      ttlFromPage: ttlHours(data.transcriptTtlHours),
      ttlHours: ttlHours(data.transcriptTtlHours) || DEFAULT_TTL_HOURS,
    };
    var store = makeStore(STORAGE_PREFIX + server);
    // Nothing is stored until there is something to keep (a message, or the open panel).
    var state = store.read();
    if (!isValidState(state) || isExpired(state, cfg.ttlHours)) {
      if (state !== null) store.remove();
      state = freshState(false);
    }
    var busy = false;

    ensureStylesheet(server);

    // Build the DOM once.
    var ids = {
      panel: "crs-panel-" + n, title: "crs-title-" + n, input: "crs-input-" + n,
      count: "crs-count-" + n, hint: "crs-hint-" + n, note: "crs-note-" + n,
    };
    var launcher = cfg.floating ? el("button", {
      type: "button", class: "crs-launcher", "aria-expanded": "false", "aria-controls": ids.panel,
    }, [el("span", { class: "crs-launcher__icon", "aria-hidden": "true", text: "💬" }), cfg.title]) : null;
    var startOver = el("button", { type: "button", class: "crs-button crs-start-over", text: "Start over" });
    var closeButton = cfg.floating ? el("button", {
      type: "button", class: "crs-button crs-close", "aria-label": "Close chat", text: "✕",
    }) : null;
    var note = el("p", { class: "crs-note", id: ids.note });
    var log = el("div", {
      class: "crs-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-label": "Conversation", tabindex: "0",
    });
    var typing = el("p", { class: "crs-typing", role: "status" });
    var errorBox = el("div", { class: "crs-error", role: "alert" });
    var input = el("textarea", {
      id: ids.input, class: "crs-input", rows: "2", maxlength: String(cfg.maxChars),
      "aria-describedby": ids.hint + " " + ids.count, autocomplete: "off",
    });
    var count = el("p", { class: "crs-count", id: ids.count });
    var sendButton = el("button", { type: "submit", class: "crs-button crs-send", text: "Send" });
    var saved = el("p", { class: "crs-saved" });
    var form = el("form", { class: "crs-form", novalidate: true }, [
      el("label", { for: ids.input, class: "crs-label", text: "Type your question" }),
      input,
      el("div", { class: "crs-form__row" }, [
        el("p", { class: "crs-hint", id: ids.hint, text: "Press Enter to send. Shift+Enter adds a new line." }),
        count,
      ]),
      sendButton,
      saved,
    ]);
    var panel = el("section", {
      class: "crs-panel", id: ids.panel, "aria-labelledby": ids.title,
    }, [
      el("div", { class: "crs-header" }, [
        el("h2", { class: "crs-title", id: ids.title, text: cfg.title }),
        el("div", { class: "crs-header__actions" }, [startOver, closeButton]),
      ]),
      note, log, typing, errorBox, form,
    ]);
    var root = el("div", { class: "crs-widget " + (cfg.floating ? "crs-widget--floating" : "crs-widget--inline") },
      [launcher, panel]);
    applyColours(root, data);
    container.textContent = "";
    container.appendChild(root);

    // ---- rendering ---------------------------------------------------------------------

    function careTeamSentence() {
      return "For anything about your child, contact your child's care team" +
        (cfg.careTeam ? ": " + cfg.careTeam + "." : ".");
    }

    function renderNote() {
      note.textContent = "This helper gives general information, not medical advice. " + careTeamSentence();
      saved.textContent = "This chat is saved on this device for " + cfg.ttlHours +
        (cfg.ttlHours === 1 ? " hour" : " hours") + " after your last message. Start over clears it.";
    }

    function emergencySentence() {
      return "In an emergency, call " + (cfg.emergencyNumber || "your local emergency number") + " now.";
    }

    function callLinks() {
      var links = el("p", { class: "crs-call" });
      if (cfg.emergencyNumber) {
        links.appendChild(el("a", {
          class: "crs-call__link crs-call__link--emergency", href: telHref(cfg.emergencyNumber),
          text: "Call " + cfg.emergencyNumber + " (emergency)",
        }));
      }
      if (cfg.careTeamPhone) {
        links.appendChild(el("a", {
          class: "crs-call__link", href: telHref(cfg.careTeamPhone),
          text: "Call the care team: " + cfg.careTeamPhone,
        }));
      }
      return links.childNodes.length ? links : null;
    }

    /** One bot or parent message; `live` adds its quick-reply buttons. */
    function renderMessage(entry, live) {
      var isBot = entry.role === "bot";
      var classes = "crs-msg crs-msg--" + (isBot ? "bot" : "user") + (entry.urgent ? " crs-msg--urgent" : "");
      var node = el("div", { class: classes, "data-id": entry.id || null });
      node.appendChild(el("span", {
        class: "crs-visually-hidden", text: isBot ? "The assistant said: " : "You said: ",
      }));
      if (entry.urgent) {
        node.appendChild(el("p", {
          class: "crs-urgent-label",
          text: entry.level === "emergency" ? "Emergency: act now" : "Urgent: contact the care team now",
        }));
      }
      var text = el("p", { class: "crs-msg__text" });
      if (isBot) text.appendChild(linkified(entry.text));
      else text.textContent = entry.text;
      node.appendChild(text);
      if (entry.urgent) node.appendChild(callLinks());
      if (isBot && live && entry.buttons && entry.buttons.length) {
        node.appendChild(el("div", {
          class: "crs-quick", role: "group",
          "aria-label": entry.welcome ? "Common questions" : "Suggested questions",
        }, entry.buttons.map(function (button) {
          var b = el("button", { type: "button", class: "crs-button crs-quick__button", text: button.title });
          b.addEventListener("click", function () {
            send(button.payload, button.title, false, true);
          });
          return b;
        })));
      }
      if (isBot && entry.rateable) node.appendChild(renderFeedback(entry));
      return node;
    }

    function renderFeedback(entry) {
      var group = el("div", { class: "crs-feedback", role: "group", "aria-label": "Was this answer helpful?" });
      [["up", "👍", "Helpful"], ["down", "👎", "Not helpful"]].forEach(function (choice) {
        var button = el("button", {
          type: "button", class: "crs-button crs-feedback__button", "data-value": choice[0],
          "aria-pressed": entry.feedback === choice[0] ? "true" : "false",
        }, [el("span", { "aria-hidden": "true", text: choice[1] + " " }), choice[2]]);
        button.addEventListener("click", function () { rate(entry, choice[0], group); });
        group.appendChild(button);
      });
      return group;
    }

    /** The welcome (never stored, so a restored transcript cannot repeat it), then the
     *  transcript; only the bot messages after the parent's last message keep buttons. */
    function renderAll() {
      log.textContent = "";
      var lastUser = -1;
      state.transcript.forEach(function (entry, i) { if (entry.role === "user") lastUser = i; });
      log.appendChild(renderMessage(
        { role: "bot", text: welcomeText(), buttons: cfg.welcomeButtons, welcome: true }, lastUser < 0));
      state.transcript.forEach(function (entry, i) { log.appendChild(renderMessage(entry, i > lastUser)); });
      scrollToEnd();
    }

    function welcomeText() {
      return "Hello. I answer questions about cytokine release syndrome (CRS) after immunotherapy, " +
        "using one article for families. I can't give medical advice or say whether your child has CRS. " +
        careTeamSentence() +
        (cfg.welcomeButtons.length ? " Tap a common question below, or type your own." : "");
    }

    function append(entry) {
      state.transcript.push(entry);
      state.lastActivity = Date.now();
      store.write(state);
      if (entry.role === "user") retireQuickReplies();
      var node = log.appendChild(renderMessage(entry, true));
      scrollToEnd();
      return node;
    }

    /** The parent has moved on: remove every earlier group of buttons, keeping focus in the chat. */
    function retireQuickReplies() {
      Array.prototype.forEach.call(log.querySelectorAll(".crs-quick"), function (group) {
        if (group.contains(document.activeElement)) log.focus({ preventScroll: true });
        group.remove();
      });
    }

    function scrollToEnd() { log.scrollTop = log.scrollHeight; }

    function updateCount() {
      count.textContent = input.value.length + " of " + cfg.maxChars + " characters";
      count.classList.toggle("crs-count--full", input.value.length >= cfg.maxChars);
    }

    function setBusy(value) {
      busy = value;
      sendButton.disabled = value;
      panel.setAttribute("aria-busy", value ? "true" : "false");
      typing.textContent = value ? "The assistant is typing…" : "";
      typing.classList.toggle("crs-typing--on", value);
    }

    /** An error in the alert box. `notSent`: the assistant could not answer, so also say
     *  what to do in an emergency (the parent may have been describing one). */
    function showError(message, careTeam, notSent) {
      errorBox.textContent = "";
      errorBox.appendChild(el("p", { text: message }));
      if (notSent) errorBox.appendChild(el("p", { class: "crs-error__emergency", text: emergencySentence() }));
      errorBox.appendChild(el("p", { text: careTeam || careTeamSentence() }));
      var links = callLinks();
      if (links) errorBox.appendChild(links);
      errorBox.classList.add("crs-error--on");
    }

    function clearError() {
      errorBox.textContent = "";
      errorBox.classList.remove("crs-error--on");
    }

    // ---- actions -----------------------------------------------------------------------

    function addBotMessages(messages, rateable) {
      (messages || []).forEach(function (m) {
        append({
          role: "bot", id: m.id, text: m.text, buttons: m.buttons || [],
          urgent: !!m.urgent, level: m.level || null, rateable: rateable, feedback: null,
        });
      });
    }

    /** Send `message` to the bot, showing `shown` as the parent's bubble. A tapped button
     *  (`quickReply`) sends its payload, which the gateway may forward as an intent. */
    function send(message, shown, fromInput, quickReply) {
      if (busy) return;
      clearError();
      var userEntry = { role: "user", text: shown };
      append(userEntry);
      if (fromInput) { input.value = ""; updateCount(); }
      setBusy(true);
      var body = { sender: state.sender, message: message };
      if (quickReply) body.quick_reply = true;
      postJSON(server + "/api/chat", body)
        .then(function (data) { addBotMessages(data.messages, true); })
        .catch(function (error) {
          // Nothing is lost: a typed message goes back into the input to re-send, and
          // the buttons come back to tap again.
          var index = state.transcript.lastIndexOf(userEntry);
          if (index >= 0) state.transcript.splice(index, 1);
          if (state.transcript.length) store.write(state);
          else store.remove();
          renderAll();
          if (quickReply) {
            showError(error.message + " Please tap your question again.", error.careTeam, true);
            return;
          }
          // Text typed while waiting stays too, after the message that was not sent.
          var typed = input.value;
          input.value = !typed || typed === message ? message : message + "\n" + typed;
          updateCount();
          showError(error.message + " Your message is still in the box below.", error.careTeam, true);
        })
        .finally(function () { setBusy(false); });
    }

    function rate(entry, value, group) {
      if (busy || entry.feedback === value) return;
      setBusy(true);
      clearError();
      postJSON(server + "/api/feedback", { sender: state.sender, value: value, message_id: entry.id })
        .then(function (data) {
          entry.feedback = value;
          store.write(state);
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) {
            b.setAttribute("aria-pressed", b.getAttribute("data-value") === value ? "true" : "false");
          });
          addBotMessages(data.messages, false);
        })
        .catch(function (error) { showError(error.message, error.careTeam); })
        .finally(function () { setBusy(false); });
    }

    function freshState(open) {
      return { sender: newSenderId(), transcript: [], open: open };
    }

    /** Delete the stored conversation and show an empty one (the panel stays as it is). */
    function forget() {
      store.remove();
      state = freshState(state.open);
      renderAll();
    }

    /** The page was shown again (a tab left open): delete the conversation if it is idle. */
    function expireIfIdle() {
      if (busy || !isExpired(state, cfg.ttlHours)) return;
      forget();
      clearError();
    }

    function restart() {
      forget();
      clearError();
      input.value = "";
      updateCount();
      typing.textContent = "Started a new conversation.";
      input.focus();
    }

    /** Bring the chat into view and put the cursor in its input (the page's skip link). */
    function goToChat() {
      if (cfg.floating) {
        setOpen(true, true);
        return;
      }
      panel.scrollIntoView({ block: "start" });
      input.focus({ preventScroll: true });
    }

    function setOpen(open, focusInput) {
      if (!cfg.floating) return;
      if (state.open !== open) {
        state.open = open;
        store.write(state);
      }
      panel.hidden = !open;
      launcher.setAttribute("aria-expanded", open ? "true" : "false");
      launcher.hidden = open;
      if (open && focusInput) input.focus();
      if (!open && focusInput) launcher.focus();
    }

    // ---- events ------------------------------------------------------------------------

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value;
      if (!text.trim()) {
        showError("Please type a question before sending.");
        input.focus();
        return;
      }
      send(text, text, true);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (form.requestSubmit) form.requestSubmit();
        else form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    });
    input.addEventListener("input", updateCount);
    startOver.addEventListener("click", restart);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") expireIfIdle();
    });
    window.addEventListener("pageshow", function (event) { if (event.persisted) expireIfIdle(); });
    if (container.id) {
      document.addEventListener("click", function (event) {
        var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
        if (!link || link.getAttribute("href") !== "#" + container.id) return;
        event.preventDefault();
        goToChat();
      });
    }
    if (cfg.floating) {
      launcher.addEventListener("click", function () { setOpen(true, true); });
      closeButton.addEventListener("click", function () { setOpen(false, true); });
      panel.addEventListener("keydown", function (event) {
        if (event.key === "Escape") setOpen(false, true);
      });
    }

    loadConfig();
    renderNote();
    renderAll();
    updateCount();
    setOpen(!!state.open, false);

    function loadConfig() {
      fetch(server + "/api/config", { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(function (remote) {
          cfg.careTeam = cfg.careTeam || remote.care_team_contact || "";
          cfg.careTeamPhone = cfg.careTeamPhone || remote.care_team_phone || "";
          cfg.emergencyNumber = cfg.emergencyNumber || remote.emergency_number || "911";
          cfg.welcomeButtons = validButtons(remote.welcome_buttons);
          cfg.ttlHours = cfg.ttlFromPage || ttlHours(remote.transcript_ttl_hours) || cfg.ttlHours;
          if (!busy && isExpired(state, cfg.ttlHours)) { store.remove(); state = freshState(state.open); }
          renderNote();
          renderAll();
        })
        .catch(function () {
          cfg.emergencyNumber = cfg.emergencyNumber || "911";
        });
    }
  }

  /** Buttons from the server: objects with a string title and payload, nothing else. */
  function validButtons(raw) {
    if (!Array.isArray(raw)) return [];
    return raw.filter(function (b) {
      return b && typeof b.title === "string" && b.title.trim() && typeof b.payload === "string" && b.payload;
    }).map(function (b) { return { title: b.title, payload: b.payload }; });
  }

  function applyColours(root, data) {
    [["colorPrimary", "--crs-primary"], ["colorOnPrimary", "--crs-on-primary"],
      ["colorUrgent", "--crs-urgent"], ["colorUserBubble", "--crs-user-bubble"]]
      .forEach(function (pair) {
        var value = data[pair[0]];
        if (value && window.CSS && CSS.supports("color", value)) {
          root.style.setProperty(pair[1], value);
        }
      });
  }

  /** Load the widget's stylesheet from its own server unless the page already has it. */
  function ensureStylesheet(server) {
    var href = server + "/static/widget.css";
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i += 1) {
      if (links[i].href === new URL(href, window.location.href).href) return;
    }
    document.head.appendChild(el("link", { rel: "stylesheet", href: href }));
  }

  function start() {
    var containers = document.querySelectorAll("#crs-chat, [data-crs-chat]");
    Array.prototype.forEach.call(containers, function (container) {
      if (!container.getAttribute("data-crs-ready")) {
        container.setAttribute("data-crs-ready", "true");
        Widget(container);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
