/* Dateline live updates: a thread's new comments, edits, removals and vote
   counts while the page is open (server-sent events). Without this file, or
   without EventSource, the page is what it was when it loaded. */
(function () {
  "use strict";
  var root = document.getElementById("discussion");
  if (!root || !root.dataset.live || !window.EventSource || !window.fetch) return;
  var list = document.getElementById("comment-list");
  var source = null, lastId = 0, hiddenTimer = null, retryTimer = null;
  var waiting = [];  // ids of new comments not shown yet
  var HIDDEN_MS = 5 * 60 * 1000;

  var pill = document.createElement("button");
  pill.type = "button";
  pill.className = "live-new";
  pill.id = "live-new";
  pill.hidden = true;
  document.body.appendChild(pill);  // fixed: nothing on the page moves

  function say(text) {
    // Looked up each time: posting swaps the live region for a new one.
    var region = document.getElementById("discussion-live");
    if (region) region.textContent = text;
  }
  function label(n) {
    var many = root.dataset.liveMany || "{n} new comments";
    var one = root.dataset.liveOne || "1 new comment";
    return n === 1 ? one : many.replace("{n}", n);
  }
  function showPill() {
    if (pill.onclick) return;  // it says "reload the page" now
    // A comment already on the page (this reader's own, shown by htmx after
    // the event came) is not new to them.
    waiting = waiting.filter(function (id) { return !document.getElementById("comment-" + id); });
    pill.hidden = waiting.length === 0;
    pill.textContent = label(waiting.length);
  }

  function fetchNodes(ids) {
    return fetch(root.dataset.liveNodes + "?ids=" + ids.join(","), {
      credentials: "same-origin", headers: { "HX-Request": "true" }
    }).then(function (r) { return r.ok ? r.text() : ""; });
  }

  function place(html, focusFirst) {
    var box = document.createElement("div");
    box.innerHTML = html;
    var first = null;
    box.querySelectorAll("template[data-live-id]").forEach(function (tpl) {
      var id = tpl.dataset.liveId;
      if (document.getElementById("comment-" + id)) return;
      var node = tpl.content.firstElementChild;
      if (!node) return;
      var parent = tpl.dataset.parent && document.getElementById("comment-" + tpl.dataset.parent);
      if (parent) {
        var replies = parent.querySelector(":scope > ol.replies");
        if (!replies) {
          replies = document.createElement("ol");
          replies.className = "replies";
          parent.appendChild(replies);
        }
        replies.appendChild(node);
      } else if (list) {
        list.insertBefore(node, list.firstElementChild);
      }
      node.classList.add("is-new");
      if (window.htmx) window.htmx.process(node);
      first = first || node;
    });
    if (first && focusFirst) {
      var article = first.querySelector("article");
      if (article) { article.setAttribute("tabindex", "-1"); article.focus(); }
    }
    var empty = document.getElementById("no-comments");
    if (first && empty) empty.remove();
    return first;
  }

  pill.addEventListener("click", function () {
    var ids = waiting.splice(0, 20);
    showPill();
    fetchNodes(ids).then(function (html) { place(html, true); });
  });

  function mine(commentId) {
    var el = document.getElementById("comment-" + commentId);
    return !!(el && el.querySelector('a[href$="/comments/' + commentId + '/edit/"]'));
  }

  var handlers = {
    comment: function (d) {
      if (document.getElementById("comment-" + d.id) || waiting.indexOf(d.id) >= 0) return;
      if (d.parent && mine(d.parent)) {  // an answer to this reader: at once
        fetchNodes([d.id]).then(function (html) {
          if (place(html, false)) say(root.dataset.liveReply || "New reply to your comment.");
        });
        return;
      }
      waiting.push(d.id);
      showPill();
    },
    edit: function (d) {
      var body = document.getElementById("comment-" + d.id + "-body");
      if (!body) return;
      fetch("/comments/" + d.id + "/body/", {
        credentials: "same-origin", headers: { "HX-Request": "true" }
      }).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
        if (!html) return;
        var box = document.createElement("div");
        box.innerHTML = html;
        if (box.firstElementChild) body.replaceWith(box.firstElementChild);
      });
    },
    remove: function (d) {
      var i = waiting.indexOf(d.id);
      if (i >= 0) { waiting.splice(i, 1); showPill(); }
      var body = document.getElementById("comment-" + d.id + "-body");
      if (!body) return;
      var note = document.createElement("p");
      note.className = "comment-body deleted";
      note.id = body.id;
      note.textContent = root.dataset.liveRemoved || "This comment is no longer shown.";
      body.replaceWith(note);
    },
    votes: function (d) {
      Object.keys(d.counts || {}).forEach(function (id) {
        var score = document.querySelector("#votes-" + id + " .score");
        if (score) score.textContent = d.counts[id][2];
      });
    },
    reload: function () {
      pill.hidden = false;
      pill.textContent = root.dataset.liveReload || "Many new comments: reload the page";
      pill.onclick = function () { window.location.reload(); };
    }
  };

  function connect() {
    clearTimeout(retryTimer);
    var url = root.dataset.live + (lastId ? "?after=" + lastId : "");
    source = new EventSource(url);
    Object.keys(handlers).forEach(function (kind) {
      source.addEventListener(kind, function (event) {
        if (event.lastEventId) lastId = Math.max(lastId, parseInt(event.lastEventId, 10) || 0);
        try { handlers[kind](JSON.parse(event.data || "{}")); } catch (e) { /* a bad event */ }
      });
    });
    source.addEventListener("error", function () {
      // 204 (too many streams, or a quiet thread) closes it for good:
      // try again in a minute; otherwise the browser reconnects by itself.
      if (source && source.readyState === EventSource.CLOSED) {
        source = null;
        retryTimer = setTimeout(connect, 60000);
      }
    });
    root.dataset.liveState = "connected";
  }

  function disconnect() {
    if (source) source.close();
    source = null;
    root.dataset.liveState = "paused";
  }

  document.addEventListener("htmx:afterSwap", showPill);

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      hiddenTimer = setTimeout(disconnect, HIDDEN_MS);
    } else {
      clearTimeout(hiddenTimer);
      if (!source) connect();
    }
  });
  connect();
})();
