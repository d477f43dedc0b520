// The phone follow-up list: after an outcome is recorded (htmx swaps the row), keyboard focus goes to the
// next person's name, so the caller goes on down the list; after the last row, to the updated count.
// Without JavaScript the form posts normally and the page comes back at the same row (#r-<id>).
(function () {
  "use strict";
  var pending = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    var row = elt && elt.closest ? elt.closest(".callist__item") : null;
    pending = row ? row.id : null;
  });
  document.addEventListener("htmx:load", function (event) {
    var row = event.target;
    if (!pending || !row || row.id !== pending) { return; }
    pending = null;
    var next = row.nextElementSibling;
    while (next && !(next.classList && next.classList.contains("callist__item"))) { next = next.nextElementSibling; }
    var target = next ? next.querySelector(".callist__name") : document.getElementById("progress");
    if (target) { target.focus(); }
  });
})();
