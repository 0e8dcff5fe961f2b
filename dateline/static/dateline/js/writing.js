/* Writing a comment: a live count against the length limit, a preview of
   the text as the thread will show it (rendered by the site, so it is the
   same Markdown and the same checks as a post), and a draft kept in the
   browser so closing the page loses nothing. The formatting buttons are
   <markdown-toolbar> (vendor/). Without this file the form works as before. */
(function () {
  "use strict";
  var PREFIX = "dateline-draft:";
  var DAY = 86400000;
  var number = window.Intl ? new Intl.NumberFormat(document.documentElement.lang || "en") : null;
  function fmt(n) { return number ? number.format(n) : String(n); }

  // --- counter ---------------------------------------------------------------
  function count(field) {
    var out = document.querySelector('[data-count-for="' + field.id + '"]');
    var max = parseInt(field.getAttribute("data-max-length"), 10);
    if (!out || !max) return;
    var used = field.value.trim().length;
    out.textContent = fmt(used) + " / " + fmt(max);
    var over = used > max;
    out.classList.toggle("is-over", over);
    out.classList.toggle("is-near", !over && used > max * 0.9);
    // Said aloud only when it matters: near the limit and over it.
    var state = over ? "over" : used > max * 0.9 ? "near" : "";
    if (state !== (field.dataset.countState || "")) {
      field.dataset.countState = state;
      var live = document.getElementById("discussion-live");
      if (live && state) {
        live.textContent = over
          ? fmt(used - max) + " characters over the limit of " + fmt(max)
          : fmt(max - used) + " characters left";
      }
    }
  }

  // --- drafts ----------------------------------------------------------------
  function key(field) { return PREFIX + field.getAttribute("data-draft"); }
  function save(field) {
    try {
      if (field.value.trim()) {
        localStorage.setItem(key(field), JSON.stringify({ text: field.value, at: Date.now() }));
      } else {
        localStorage.removeItem(key(field));
      }
    } catch (e) { /* storage full or off: the draft lives in the page only */ }
  }
  function forget(field) { try { localStorage.removeItem(key(field)); } catch (e) { /* off */ } }
  function restore(field) {
    if (field.value.trim()) return;  // the server sent text back: it wins
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(key(field)) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.text) return;
    if (Date.now() - saved.at > 30 * DAY) { forget(field); return; }
    field.value = saved.text;
    var note = document.createElement("p");
    note.className = "draft-note";
    note.setAttribute("role", "status");
    note.textContent = "Your unsent text is back. ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link-button";
    discard.textContent = "Discard it";
    discard.addEventListener("click", function () {
      field.value = ""; forget(field); count(field); note.remove(); field.focus();
    });
    note.appendChild(discard);
    field.parentNode.insertBefore(note, field.nextSibling);
  }
  function prune() {  // drafts older than a month go
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var k = localStorage.key(i);
        if (k && k.indexOf(PREFIX) === 0) {
          var saved = JSON.parse(localStorage.getItem(k) || "null");
          if (!saved || Date.now() - saved.at > 30 * DAY) localStorage.removeItem(k);
        }
      }
    } catch (e) { /* off */ }
  }

  function prepare(root) {
    var fields = root.querySelectorAll("textarea[data-max-length]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].hasAttribute("data-draft")) restore(fields[i]);
      count(fields[i]);
    }
  }

  var timers = {};
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("textarea[data-max-length]")) return;
    count(field);
    if (!field.hasAttribute("data-draft")) return;
    clearTimeout(timers[field.id]);
    timers[field.id] = setTimeout(function () { save(field); }, 400);
  });
  // Leaving the page: keep what was typed since the last pause.
  window.addEventListener("pagehide", function () {
    var fields = document.querySelectorAll("textarea[data-draft]");
    for (var i = 0; i < fields.length; i++) save(fields[i]);
  });
  // A post that went through forgets its draft; one that came back with an
  // error keeps it (the form comes back with the text).
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    var xhr = event.detail.xhr;
    if (!form || !form.querySelector || !xhr || xhr.status >= 300) return;
    var field = form.querySelector("textarea[data-draft]");
    if (field && !/class="form-error"|class="reconsider"/.test(xhr.responseText || "")) forget(field);
  });
  document.addEventListener("submit", function (event) {
    // Without htmx (a stand-alone page) the page goes; the answer says what
    // happened, and a failed post shows the text again.
    var field = event.target.querySelector && event.target.querySelector("textarea[data-draft]");
    if (field && !event.target.hasAttribute("hx-post")) forget(field);
  });

  // --- preview ---------------------------------------------------------------
  function endPreview(button, field) {
    var box = document.getElementById(field.id + "-preview");
    button.setAttribute("aria-pressed", "false");
    if (box) box.hidden = true;
    field.hidden = false;
  }
  // A formatting button pressed during the preview goes back to the text
  // first (capture: before the button's own handler writes into the field).
  document.addEventListener("click", function (event) {
    var tool = event.target.closest && event.target.closest("markdown-toolbar .md-button:not([data-preview])");
    var toolbar = tool && tool.closest("markdown-toolbar");
    var preview = toolbar && toolbar.querySelector('[data-preview][aria-pressed="true"]');
    var field = preview && document.getElementById(preview.getAttribute("data-preview-for"));
    if (field) endPreview(preview, field);
  }, true);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-preview]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-preview-for"));
    if (!field) return;
    var box = document.getElementById(field.id + "-preview");
    if (button.getAttribute("aria-pressed") === "true") {
      endPreview(button, field);
      field.focus();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = field.id + "-preview";
      box.className = "comment-preview";
      box.setAttribute("aria-live", "polite");
      box.setAttribute("aria-label", "Preview");
      box.tabIndex = -1;
      field.parentNode.insertBefore(box, field.nextSibling);
    }
    var data = new FormData();
    data.append("body", field.value);
    button.setAttribute("aria-busy", "true");
    fetch(button.getAttribute("data-preview"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        box.innerHTML = html;  // sanitised by the site, as every comment
        box.hidden = false;
        field.hidden = true;
        button.setAttribute("aria-pressed", "true");
        box.focus();
      })
      .catch(function () {
        box.textContent = "The preview could not be loaded; your text is unchanged.";
        box.hidden = false;
      })
      .then(function () { button.removeAttribute("aria-busy"); });
  });
  document.addEventListener("htmx:afterSwap", function (event) { prepare(event.detail.target); });
  document.addEventListener("DOMContentLoaded", function () { prune(); prepare(document); });
})();
