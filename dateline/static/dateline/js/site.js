/* Page-wide behaviours. Small, and loaded in <head> without defer, so a
   remembered theme applies before the first paint (no flash of the wrong one).

   Light or dark: the page follows the system setting (CSS light-dark()) until
   the reader presses the toggle; the choice is kept in localStorage.
   Choosing what the system already asks for forgets the choice, so the page
   follows the system again.

   Videos: an article shows a link to the video (a click-to-play facade);
   nothing is asked of YouTube or Vimeo until the reader presses it, when the
   player replaces the link and starts. Without JavaScript the link opens the
   video on its own site.

   Share: "Copy link" shows where the browser offers the clipboard. */
(function () {
  "use strict";
  var KEY = "dateline-theme";
  var root = document.documentElement;
  var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function remember(theme) {
    try {
      if (theme) window.localStorage.setItem(KEY, theme);
      else window.localStorage.removeItem(KEY);
    } catch (e) { /* private mode: the choice lasts for this page */ }
  }
  function systemTheme() { return system && system.matches ? "dark" : "light"; }
  function current() { return root.dataset.theme || systemTheme(); }
  function apply(theme) {
    if (theme) root.dataset.theme = theme; else delete root.dataset.theme;
    var buttons = document.querySelectorAll("[data-theme-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
    }
  }

  var chosen = stored();
  if (chosen === "dark" || chosen === "light") root.dataset.theme = chosen;

  document.addEventListener("DOMContentLoaded", function () {
    apply(root.dataset.theme);
    if (navigator.clipboard) {  // "Copy link" needs the clipboard (https or localhost)
      var copies = document.querySelectorAll("[data-share-copy]");
      for (var i = 0; i < copies.length; i++) copies[i].hidden = false;
    }
  });
  if (system && system.addEventListener) system.addEventListener("change", function () { apply(root.dataset.theme); });
  function play(link) {
    var frame = document.createElement("iframe");
    frame.src = link.getAttribute("data-play-src");
    frame.title = link.getAttribute("data-play-title");
    frame.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups");
    frame.setAttribute("allowfullscreen", "");
    link.replaceWith(frame);
    frame.focus();
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    var facade = event.target.closest("a[data-play-src]");
    if (facade) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
      event.preventDefault();
      play(facade);
      return;
    }
    var copy = event.target.closest("[data-share-copy]");
    if (copy) {
      navigator.clipboard.writeText(copy.getAttribute("data-share-copy")).then(function () {
        copy.textContent = copy.getAttribute("data-share-done");
      });
      return;
    }
    var button = event.target.closest("[data-theme-toggle]");
    if (!button) return;
    var next = current() === "dark" ? "light" : "dark";
    var keep = next === systemTheme() ? null : next;
    remember(keep);
    apply(keep);
  });
})();
