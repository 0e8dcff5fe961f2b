/* Dateline discussion: small enhancements on top of htmx. Everything works
   without this file; it adds relative times on hover and moves focus sensibly
   after in-place updates. No inline code, so the strict CSP holds. */
(function () {
  "use strict";
  var units = [["year", 31536000], ["month", 2592000], ["week", 604800],
               ["day", 86400], ["hour", 3600], ["minute", 60], ["second", 1]];
  var rtf = window.Intl && Intl.RelativeTimeFormat
    ? new Intl.RelativeTimeFormat(document.documentElement.lang || "en", { numeric: "auto" })
    : null;

  function relative(date) {
    var seconds = Math.round((date.getTime() - Date.now()) / 1000);
    for (var i = 0; i < units.length; i++) {
      var size = units[i][1];
      if (Math.abs(seconds) >= size || size === 1) {
        var value = Math.round(seconds / size);
        return rtf ? rtf.format(value, units[i][0]) : Math.abs(value) + " " + units[i][0] + "s ago";
      }
    }
    return "";
  }

  function showRelative(event) {
    var el = event.target;
    if (!el || !el.matches || !el.matches("time.comment-time")) return;
    var date = new Date(el.getAttribute("datetime"));
    if (isNaN(date)) return;
    el.title = relative(date) + " (" + el.textContent.trim() + ")";
  }
  document.addEventListener("mouseover", showRelative);
  document.addEventListener("focusin", showRelative);

  // After "Read more »" or an edit, keep the keyboard where the reader is.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.id) return;
    var swapped = document.getElementById(target.id);
    if (swapped && swapped.classList.contains("comment-body")) swapped.focus();
    var slotForm = target.classList && target.classList.contains("comment-slot")
      ? target.querySelector("textarea, input[type=radio]") : null;
    if (slotForm) slotForm.focus();
  });
})();
