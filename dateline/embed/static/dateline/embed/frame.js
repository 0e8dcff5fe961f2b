/* Inside the embed's frame (embed/frame.html): what the thread needs to live
   in another site's page. Sends the frame's token on every htmx request (its
   writes need no cookie), tells the page that frames it how tall it is and
   where a comment is, takes a theme from it, and opens links that leave the
   thread in a new tab. Messages go to, and are taken from, the framing page
   only: its origin, named by the site in <meta name="dateline-frame">. */
(function () {
  "use strict";
  var meta = document.querySelector("meta[name=dateline-frame]");
  var held = document.getElementById("dateline-frame-token");
  if (!meta || !held || window.parent === window) return;
  var token = held.value;
  var host = meta.getAttribute("data-host-origin");
  var member = meta.getAttribute("data-member-token") || "";
  var root = document.documentElement;
  var popup = null;

  function tell(message) {
    message.dateline = message.dateline || "frame";
    window.parent.postMessage(message, host);
  }

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-Dateline-Frame"] = token;
    if (member) event.detail.headers["Authorization"] = "Bearer " + member;
  });

  // Signing in: a popup on this site's origin, where the reader's own
  // session works; it hands back a short-lived token (embed/signin.js),
  // traded here for the frame's own session (embed/members.py).
  function session(body) {
    return fetch("/embed/session/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Dateline-Frame": token },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) throw new Error("session " + response.status);
      return response.json();
    });
  }
  function signIn() {
    popup = window.open("/embed/signin/", "dateline-signin", "popup=yes,width=480,height=620");
    return !!popup;
  }
  window.addEventListener("message", function (event) {
    if (event.origin !== window.location.origin || !popup || event.source !== popup) return;
    var data = event.data;
    if (!data || data.dateline !== "signin" || typeof data.token !== "string") return;
    popup = null;
    session({ token: data.token }).then(function (answer) {
      member = answer.token;
      window.location.reload();
    }, function () { /* the link still opens the site's sign-in page */ });
  });
  document.addEventListener("click", function (event) {
    var out = event.target.closest && event.target.closest("[data-embed-signout]");
    if (!out) return;
    event.preventDefault();
    session({ signout: true }).then(function () {
      member = "";
      window.location.reload();
    });
  });

  // Height: whenever the content's size changes (comments load, a reply
  // form opens, Read more expands), and once the fonts have settled.
  var last = 0;
  function measure() {
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      tell({ type: "height", height: height });
    }
  }
  if (window.ResizeObserver) new ResizeObserver(measure).observe(root);
  window.addEventListener("load", measure);

  function scrollTo(id) {
    var item = document.getElementById("comment-" + id);
    if (!item) return false;
    tell({ type: "scroll", top: item.getBoundingClientRect().top + window.scrollY, id: id });
    return true;
  }
  var wanted = new URLSearchParams(window.location.search).get("highlight");
  if (wanted) window.addEventListener("load", function () { scrollTo(wanted); });

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || event.origin !== host) return;
    var data = event.data;
    if (!data || typeof data !== "object" || data.dateline !== "host") return;
    if (data.type === "theme") {
      if (data.theme === "light" || data.theme === "dark") root.dataset.theme = data.theme;
      else if (data.theme === "auto") delete root.dataset.theme;
    } else if (data.type === "show" && /^\d+$/.test(String(data.id))) {
      if (!scrollTo(data.id)) {
        // Not on this page of comments: open the page it is on.
        var address = new URL(window.location.href);
        address.searchParams.set("highlight", data.id);
        address.searchParams.delete("page");
        window.location.replace(address.toString());
      }
    }
  });

  // A link out of the thread (a profile, the feed, sign-in help) opens in a
  // new tab, so the reader keeps the article; a comment's own link moves the
  // framing page to it. Links within the thread (sort, pages) stay here.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || link.hasAttribute("hx-get")) return;
    var href = link.getAttribute("href");
    if (href.charAt(0) === "?" || href.charAt(0) === "#") return;
    var address = new URL(link.href);
    if (address.origin === window.location.origin &&
        address.pathname.indexOf("/accounts/login/") === 0 && signIn()) {
      event.preventDefault();
      return;
    }
    var permalink = address.origin === window.location.origin &&
      /^\/comments\/(\d+)\/$/.exec(address.pathname);
    if (permalink) {
      event.preventDefault();
      tell({ type: "permalink", id: permalink[1] });
      scrollTo(permalink[1]);
      return;
    }
    if (!link.target) { link.target = "_blank"; link.rel = "noopener"; }
  });
}());
