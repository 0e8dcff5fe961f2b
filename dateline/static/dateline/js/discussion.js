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

  // Times in the reader's own zone, in the site's format (Django's letters,
  // <meta name="dateline-time-format">) with the zone's name: the page says
  // "26/09/2017 02:48 UTC" for everyone, the browser makes it its own.
  var pattern = document.querySelector("meta[name=dateline-time-format]");
  pattern = pattern && pattern.content;
  var lang = document.documentElement.lang || "en";
  function named(date, options) {
    return new Intl.DateTimeFormat(lang, options).format(date);
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  var letters = {
    d: function (t) { return two(t.getDate()); },
    j: function (t) { return String(t.getDate()); },
    D: function (t) { return named(t, { weekday: "short" }); },
    l: function (t) { return named(t, { weekday: "long" }); },
    m: function (t) { return two(t.getMonth() + 1); },
    n: function (t) { return String(t.getMonth() + 1); },
    M: function (t) { return named(t, { month: "short" }); },
    F: function (t) { return named(t, { month: "long" }); },
    Y: function (t) { return String(t.getFullYear()); },
    y: function (t) { return two(t.getFullYear() % 100); },
    H: function (t) { return two(t.getHours()); },
    G: function (t) { return String(t.getHours()); },
    h: function (t) { return two(t.getHours() % 12 || 12); },
    g: function (t) { return String(t.getHours() % 12 || 12); },
    i: function (t) { return two(t.getMinutes()); },
    s: function (t) { return two(t.getSeconds()); },
    A: function (t) { return t.getHours() < 12 ? "AM" : "PM"; },
    a: function (t) { return t.getHours() < 12 ? "a.m." : "p.m."; }
  };
  function zoneName(date) {
    try {
      var parts = new Intl.DateTimeFormat(lang, { timeZoneName: "short" }).formatToParts(date);
      for (var i = 0; i < parts.length; i++) {
        if (parts[i].type === "timeZoneName") return parts[i].value;
      }
    } catch (e) { /* an old browser: the site's zone stays */ }
    return "";
  }
  function localTime(date) {
    var out = "";
    for (var i = 0; i < pattern.length; i++) {
      var c = pattern.charAt(i);
      if (c === "\\" && i + 1 < pattern.length) { out += pattern.charAt(++i); continue; }
      out += letters[c] ? letters[c](date) : c;
    }
    var zone = zoneName(date);
    return zone ? out + " " + zone : out;
  }
  function localTimes(root) {
    if (!pattern || !root.querySelectorAll) return;
    root.querySelectorAll("time[data-local]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date)) return;
      el.textContent = localTime(date);
      if (el.classList.contains("comment-time")) el.title = el.textContent;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { localTimes(document); });
  } else {
    localTimes(document);
  }
  document.addEventListener("htmx:load", function (event) { localTimes(event.target); });

  // A page a shared cache kept (a CDN, Varnish) carries no CSRF token: ask
  // the site for the reader's own when a form is sent, then send it. Without
  // this file, the site shows the form again with a token (cdn/views.py).
  var pendingToken = null;
  function csrfToken() {
    var meta = document.querySelector("meta[name=dateline-csrf-url]");
    if (!pendingToken) {
      pendingToken = fetch(meta ? meta.content : "/csrf-token", {
        credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) throw new Error("csrf-token " + response.status);
        return response.json();
      }).then(function (data) { return data.token; });
      pendingToken.catch(function () { pendingToken = null; });
    }
    return pendingToken;
  }
  // The token may sit outside its form (form="…", last in an article page).
  function tokenInputs(form) {
    return Array.prototype.filter.call(form.elements || [], function (el) {
      return el.name === "csrfmiddlewaretoken";
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var inputs = tokenInputs(form);
    if (!inputs.length || inputs.every(function (el) { return el.value; })) return;
    event.preventDefault();
    event.stopImmediatePropagation();  // htmx waits for the token too
    var submitter = event.submitter && event.submitter.form === form ? event.submitter : null;
    csrfToken().then(function (token) {
      document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (el) {
        if (!el.value) el.value = token;
      });
      if (form.requestSubmit) form.requestSubmit(submitter); else form.submit();
    }, function () { form.submit(); });
  }, true);

  // Keep the keyboard where the reader is after an in-place update: htmx
  // replaces what had focus, and focus would fall to the page's body.
  function focusComment(item) {
    var article = item && item.querySelector("article");
    if (!article) return;
    article.setAttribute("tabindex", "-1");
    article.focus();
  }
  var before = null;  // what had focus, and where a "Load more" stood
  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    var target = event.detail.target;
    before = {
      vote: active && active.matches && active.matches("button.vote")
        ? (active.classList.contains("vote-up") ? ".vote-up" : ".vote-down") : null,
      previous: target && target.matches && target.matches("li.load-more")
        ? target.previousElementSibling : null,
      more: target && target.matches && target.matches("li.load-more")
        ? target.querySelector("a[href]").getAttribute("href") : null,
      list: target && target.id === "comment-list" ? target.firstElementChild : null
    };
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var was = before || {};
    before = null;
    if (!target) return;
    if (target.id && target.id.indexOf("votes-") === 0) {
      // After a vote: the same button of the new counts.
      var button = document.querySelector("#" + target.id + " " + (was.vote || ".vote-up"));
      if (button) button.focus();
      return;
    }
    if (target.matches && target.matches("li.load-more")) {
      // After "Load more": the first comment that came. htmx reports an
      // outerHTML swap once for each element it brought; the first report
      // does the work.
      if (!was.more) return;
      var first = was.previous ? was.previous.nextElementSibling
        : document.querySelector("#comment-list > li.comment-item");
      if (first) {
        focusComment(first);
        // The address says where the reader is: a reload (or the link, sent
        // on) opens that page of comments at the first one that came.
        if (was.more && window.history.replaceState) {
          window.history.replaceState(window.history.state, "",
            was.more.replace(/#.*$/, "") + "#" + first.id);
        }
      }
      return;
    }
    if (target.id === "comment-list") {
      // After a post: the new comment (the form came back empty).
      var posted = target.firstElementChild;
      if (posted && posted !== was.list) focusComment(posted);
      return;
    }
    var swapped = target.id ? document.getElementById(target.id) : null;
    if (swapped && swapped.classList.contains("comment-body")) { swapped.focus(); return; }
    if (target.classList && target.classList.contains("comment-slot")) {
      var reply = target.querySelector("li.comment-item");
      if (reply) { focusComment(reply); return; }  // a reply just posted
      var field = target.querySelector("textarea, input[type=radio]");
      if (field) field.focus();  // the reply or report form just opened
    }
  });

  // An inline reply or report form closes with its Cancel button or Escape;
  // the keyboard goes back to the link that opened it.
  function closeSlot(slot) {
    var id = slot.id.replace(/^comment-/, "").replace(/-slot$/, "");
    slot.innerHTML = "";
    var opener = document.querySelector(
      "#comment-" + id + " > article .comment-actions a[href$='/reply/']");
    if (opener) opener.focus();
  }
  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("[data-cancel]");
    var slot = cancel && cancel.closest(".comment-slot");
    if (slot) { event.preventDefault(); closeSlot(slot); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var slot = event.target.closest && event.target.closest(".comment-slot");
    if (slot && slot.querySelector("form")) { event.preventDefault(); closeSlot(slot); }
  });
})();
