// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
  // htmx: send the CSRF token with every request (read from the hidden form field, not a cookie).
  document.addEventListener("htmx:configRequest", function (event) {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { event.detail.headers["X-CSRFToken"] = input.value; }
  });
  // Small screens: collapse the main navigation behind a menu button. Without JavaScript the button stays
  // hidden and the navigation is simply shown, so it is always reachable.
  var narrow = window.matchMedia("(max-width: 40rem)");
  function setupNav() {
    var toggle = document.querySelector(".nav-toggle");
    var nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!toggle || !nav) { return; }
    function show(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-collapsed", !open);
    }
    function adapt() {
      toggle.hidden = !narrow.matches;
      show(!narrow.matches);
    }
    toggle.addEventListener("click", function () { show(toggle.getAttribute("aria-expanded") !== "true"); });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && narrow.matches) { show(false); toggle.focus(); }
    });
    if (narrow.addEventListener) { narrow.addEventListener("change", adapt); }
    adapt();
  }
  // Wide tables scroll inside their own region, which is labelled by the caption and focusable (so keyboard
  // users can scroll it) only while it actually overflows.
  function wrapTables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      var wrap = table.parentElement;
      if (!wrap.classList.contains("table-wrap")) {
        wrap = document.createElement("div");
        wrap.className = "table-wrap";
        table.parentNode.insertBefore(wrap, table);
        wrap.appendChild(table);
      }
      if (!wrap.hasAttribute("role")) {
        var caption = table.querySelector("caption");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", (caption && caption.textContent.trim()) || document.title);
      }
    });
    markScrollable();
  }
  function markScrollable() {
    document.querySelectorAll(".table-wrap, pre").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) {
        el.setAttribute("tabindex", "0");
      } else if (el.getAttribute("tabindex") === "0") {
        el.removeAttribute("tabindex");
      }
    });
  }
  // Recipient tree picker (new round): a search box filters the counties and municipalities by name and
  // opens the counties with matches. Without JavaScript the tree is plain checkboxes in <details>.
  function setupTreePickers() {
    document.querySelectorAll("[data-tree-picker]").forEach(function (picker) {
      var box = picker.querySelector(".tree-picker__search");
      var input = box && box.querySelector("input[type=search]");
      var count = box && box.querySelector("[role=status]");
      if (!input) { return; }
      box.hidden = false;
      var template = picker.getAttribute("data-count-template") || "%n";
      function filter() {
        var q = input.value.trim().toLowerCase();
        var shown = 0;
        picker.querySelectorAll(".tree-picker__list > li").forEach(function (top) {
          var own = top.getAttribute("data-name").indexOf(q) !== -1;
          var anyChild = false;
          top.querySelectorAll("details li").forEach(function (li) {
            var hit = !q || own || li.getAttribute("data-name").indexOf(q) !== -1;
            li.hidden = !hit;
            if (hit && q && li.getAttribute("data-name").indexOf(q) !== -1) { anyChild = true; }
            if (hit) { shown += 1; }
          });
          top.hidden = !(own || anyChild || !q);
          if (!top.hidden) { shown += 1; }
          var details = top.querySelector("details");
          if (details && q) { details.open = anyChild; }
        });
        if (count) { count.textContent = q ? template.replace("%n", shown) : ""; }
      }
      input.addEventListener("input", filter);
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); }  // never submit the round from the search box
      });
    });
  }
  function init() { setupNav(); wrapTables(document); setupTreePickers(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
  window.addEventListener("resize", markScrollable);
  document.addEventListener("htmx:afterSettle", function () { wrapTables(document); });
  // Confirm destructive actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
