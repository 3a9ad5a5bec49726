/*
 * CRS questions chat widget: the entry module.
 *
 * Embed with a container and one module script tag (no build step: plain ES modules
 * served from /static/widget/ by the gateway):
 *   <div id="crs-chat" data-server="https://chat.example.org" data-title="Questions about CRS"
 *        data-care-team="call the number on your discharge papers" data-care-team-phone="+15550100"
 *        data-emergency-number="911" data-color-primary="#0b5cad" data-mode="floating"
 *        data-transcript-ttl-hours="24"></div>
 *   <script type="module" src="https://chat.example.org/static/widget/main.js"></script>
 * On another origin than the gateway, the page's origin must be in CRS_ALLOWED_ORIGINS:
 * module scripts, like the chat API, are fetched with CORS.
 * Without data-server, the server is where this file came from.
 *
 * Every container #crs-chat or [data-crs-chat] gets one widget. Settings the page does not
 * give come from /api/config. The conversation is kept on the device for
 * `data-transcript-ttl-hours`, else the server's `transcript_ttl_hours`, else 24 hours.
 *
 * Modules: chat.js (one widget), view.js (its DOM), conversation.js (transcript, sending),
 * render.js (messages, alerts), feedback.js (thumbs), a11y.js (keyboard and focus),
 * storage.js (saved conversation, expiry), api.js (the gateway's API), dom.js (helpers),
 * summary.js (the summary for the care team: data and text), summary_view.js (its dialog).
 */

import { startWidget } from "./chat.js";
import { DEFAULT_TTL_HOURS, ttlHours } from "./storage.js";

const SCRIPT_ORIGIN = new URL(import.meta.url).origin;
let instanceCount = 0;

/** The widget's settings from the container's data-* attributes. */
export function readConfig(container) {
  const data = container.dataset;
  const ttlFromPage = ttlHours(data.transcriptTtlHours);
  return {
    server: (data.server || SCRIPT_ORIGIN).replace(/\/+$/, ""),
    title: data.title || "Questions about CRS",
    careTeam: data.careTeam || "",
    careTeamPhone: data.careTeamPhone || "",
    emergencyNumber: data.emergencyNumber || "",
    maxChars: parseInt(data.maxChars, 10) || 1000,
    floating: data.mode !== "inline",
    welcomeButtons: [],
    ttlFromPage,
    ttlHours: ttlFromPage || DEFAULT_TTL_HOURS,
  };
}

function start() {
  document.querySelectorAll("#crs-chat, [data-crs-chat]").forEach((container) => {
    if (container.getAttribute("data-crs-ready")) return;
    container.setAttribute("data-crs-ready", "true");
    instanceCount += 1;
    startWidget(container, instanceCount, readConfig(container));
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
