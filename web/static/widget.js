/*
 * Deprecated loader for pages embedded before the widget became ES modules:
 *   <script src="https://chat.example.org/static/widget.js" defer></script>
 * It adds the module entry beside it (widget/main.js), which does everything.
 * New pages: <script type="module" src="https://chat.example.org/static/widget/main.js"></script>
 */
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src
    ? document.currentScript.src
    : new URL("/static/widget.js", window.location.href).href;
  var entry = document.createElement("script");
  entry.type = "module";
  entry.src = new URL("widget/main.js", here).href;
  document.head.appendChild(entry);
})();
