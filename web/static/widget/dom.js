/*
 * DOM helpers. Text is only ever set with textContent or text nodes: no HTML from a
 * message is parsed. Links in bot text become <a> elements built one by one.
 */

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]]+$/;

/** An element with attributes (`text` sets textContent; false/null/undefined are skipped). */
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([name, value]) => {
    if (value === false || value === null || value === undefined) return;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  });
  (children || []).forEach((child) => {
    if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  });
  return node;
}

export function telHref(number) {
  return "tel:" + String(number).replace(/[^0-9+*#]/g, "");
}

/** Text with http(s) links made clickable, built node by node (never innerHTML). */
export function linkified(text) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  text.replace(URL_PATTERN, (match, offset) => {
    const url = match.replace(TRAILING_PUNCTUATION, "");
    fragment.appendChild(document.createTextNode(text.slice(last, offset)));
    fragment.appendChild(el("a", { href: url, rel: "noopener noreferrer", target: "_blank", text: url }));
    last = offset + url.length;
    return match;
  });
  fragment.appendChild(document.createTextNode(text.slice(last)));
  return fragment;
}
