/* Dateline comment counts on a publisher's page:
     <a href="/story#dateline-comments" class="dateline-count"
        data-url="https://news.example/story">Comments</a>
     <script async src="https://comments.example/static/dateline/embed/count.js"></script>
   Every .dateline-count[data-url] gets "N comments" (data-one and data-many
   change the words; "{n}" stands for the number) from one request, which the
   site lets browsers keep for a minute. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var base = new URL(script.src).origin;
  var MAX = 100;

  function words(el, n) {
    var one = el.getAttribute("data-one") || "{n} comment";
    var many = el.getAttribute("data-many") || "{n} comments";
    return (n === 1 ? one : many).replace("{n}", n.toLocaleString());
  }

  function fill() {
    var els = Array.prototype.slice.call(document.querySelectorAll(".dateline-count[data-url]"));
    var urls = [];
    els.forEach(function (el) {
      var url = el.getAttribute("data-url");
      if (urls.indexOf(url) < 0) urls.push(url);
    });
    for (var i = 0; i < urls.length; i += MAX) ask(urls.slice(i, i + MAX), els);
  }

  function ask(urls, els) {
    var query = new URLSearchParams();
    urls.forEach(function (url) { query.append("url", url); });
    fetch(base + "/embed/counts/?" + query.toString(), { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : { counts: {} }; })
      .then(function (data) {
        els.forEach(function (el) {
          var n = data.counts[el.getAttribute("data-url")];
          if (typeof n === "number") el.textContent = words(el, n);
        });
      }, function () { /* the links keep their own text */ });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill);
  else fill();
}());
