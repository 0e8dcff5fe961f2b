/* The sign-in popup's last page (embed/signin_done.html): hands the frame
   that opened it a short-lived token, addressed to this site's origin only
   (the frame is a page of this site inside the publisher's), then closes. */
(function () {
  "use strict";
  var meta = document.querySelector("meta[name=dateline-handoff]");
  if (!meta || !window.opener) return;
  window.opener.postMessage({ dateline: "signin", token: meta.content }, window.location.origin);
  window.setTimeout(function () { window.close(); }, 100);
}());
