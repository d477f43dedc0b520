// Focus management, one module for every page (house rule: focus never drops to the page body).
//  * After a page load: an error summary (#error-summary, .error-summary) or an element marked
//    [data-focus-on-load] takes focus; else the messages of a successful action (.messages), else the
//    page's <h1> when the page is the answer to a form (a redirect after POST carries a message, so this
//    only applies to re-rendered forms). Plain page loads without any of these keep the browser's default.
//  * htmx swaps (e.g. the 30-second completeness refresh): the element that had focus inside the swapped
//    part is found again in the new content (by id, else by its position among the focusable elements)
//    and focused, without scrolling; if it is gone, the swapped region itself takes focus.
(function () {
  "use strict";
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), " +
    "textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

  function focusEl(el) {
    if (!el) { return false; }
    if (!el.matches(FOCUSABLE) && !el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "-1"); }
    el.focus({ preventScroll: false });
    return document.activeElement === el;
  }

  function onLoad() {
    if (document.querySelector("[autofocus]") && document.activeElement && document.activeElement !== document.body) {
      return;  // the page chose its own field
    }
    var target = document.querySelector("#error-summary, .error-summary, [data-focus-on-load]");
    if (!target) { target = document.querySelector("main .messages"); }
    focusEl(target);
  }

  var saved = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    saved = null;
    if (!target || !active || active === document.body || !target.contains(active)) { return; }
    var list = Array.prototype.slice.call(target.querySelectorAll(FOCUSABLE));
    saved = {
      targetId: target.id,
      id: active.id,
      index: list.indexOf(active),
      tag: active.tagName,
      text: (active.textContent || "").trim(),
      self: active === target
    };
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!saved) { return; }
    var state = saved;
    saved = null;
    var region = (state.targetId && document.getElementById(state.targetId)) || event.detail.target;
    if (!region || !document.body.contains(region)) { return; }
    var el = state.id ? document.getElementById(state.id) : null;
    if (!el && !state.self) {
      var list = Array.prototype.slice.call(region.querySelectorAll(FOCUSABLE));
      el = list.filter(function (c) { return c.tagName === state.tag && (c.textContent || "").trim() === state.text; })[0] ||
        (state.index >= 0 ? list[state.index] : null);
    }
    if (document.activeElement && document.activeElement !== document.body && document.activeElement !== region &&
        !region.contains(document.activeElement) && document.body.contains(document.activeElement)) {
      return;  // the user has already moved on
    }
    if (el) { el.focus({ preventScroll: true }); } else {
      if (!region.hasAttribute("tabindex")) { region.setAttribute("tabindex", "-1"); }
      region.focus({ preventScroll: true });
    }
  });

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", onLoad); } else { onLoad(); }
  window.berFocus = { focus: focusEl };
})();
