/* Dateline's embed loader. On a publisher's page:
     <div id="dateline-comments" data-url="https://news.example/story"
          data-title="The story"></div>
     <script async src="https://comments.example/static/dateline/embed/dateline.js"></script>
   Options on the div: data-theme (light, dark, auto), data-lang, data-sort,
   data-css (a stylesheet for the thread), data-sso (the reader, signed by
   the publisher's server: single sign-on). Nothing is asked of the Dateline
   site until the placeholder nears the viewport; then an iframe shows the
   thread and takes the height of its content. Messages are taken only from
   that iframe and only with the Dateline site's origin, and sent to it with
   that origin named. Dateline.setTheme("dark") switches the theme. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.Dateline) return;
  var base = new URL(script.src).origin;
  var frame = null;
  var OPTIONS = ["title", "theme", "lang", "sort", "css", "sso"];

  function send(message) {
    message.dateline = "host";
    if (frame && frame.contentWindow) frame.contentWindow.postMessage(message, base);
  }

  function commentId() {
    var found = /^#comment-(\d+)$/.exec(window.location.hash);
    return found ? found[1] : null;
  }

  function pageUrl(box) {
    var named = box.getAttribute("data-url");
    if (named) return named;
    var canonical = document.querySelector("link[rel=canonical]");
    return canonical ? canonical.href : window.location.href.split("#")[0];
  }

  function open(box) {
    var query = new URLSearchParams();
    query.set("url", pageUrl(box));
    query.set("origin", window.location.origin);
    OPTIONS.forEach(function (name) {
      var value = box.getAttribute("data-" + name);
      if (value) query.set(name, value);
    });
    if (!query.get("title")) query.set("title", document.title);
    var id = commentId();
    if (id) query.set("highlight", id);
    frame = document.createElement("iframe");
    frame.src = base + "/embed/frame/?" + query.toString();
    frame.title = box.getAttribute("data-frame-title") || "Comments";
    frame.setAttribute("loading", "lazy");
    frame.style.cssText = "display:block;width:100%;min-height:150px;height:400px;border:0;color-scheme:normal";
    box.appendChild(frame);
  }

  window.addEventListener("message", function (event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== base) return;
    var data = event.data;
    if (!data || typeof data !== "object" || data.dateline !== "frame") return;
    if (data.type === "height" && typeof data.height === "number" && data.height > 0) {
      frame.style.height = Math.min(Math.ceil(data.height), 1e6) + "px";
    } else if ((data.type === "scroll" || data.type === "permalink") && /^\d+$/.test(String(data.id))) {
      if (data.type === "permalink" && window.history.replaceState) {
        window.history.replaceState(window.history.state, "", "#comment-" + data.id);
      }
      if (typeof data.top === "number") {
        var top = frame.getBoundingClientRect().top + window.scrollY + data.top;
        window.scrollTo({ top: Math.max(0, top - 16), behavior: "smooth" });
      }
    }
  });

  window.addEventListener("hashchange", function () {
    var id = commentId();
    if (id) send({ type: "show", id: id });
  });

  function start() {
    var box = document.getElementById("dateline-comments");
    if (!box || frame) return;
    if (!window.IntersectionObserver || commentId()) { open(box); return; }
    var watch = new IntersectionObserver(function (entries) {
      if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
      watch.disconnect();
      open(box);
    }, { rootMargin: "600px 0px" });
    watch.observe(box);
  }

  window.Dateline = {
    setTheme: function (theme) {
      var box = document.getElementById("dateline-comments");
      if (box) box.setAttribute("data-theme", theme);
      send({ type: "theme", theme: theme });
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}());
