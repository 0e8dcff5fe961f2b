/* @mention autocomplete in the comment forms: type "@" and two letters, pick
   a member with the arrow keys and Enter (or a click). Without this file,
   typing "@username" in full links the same. */
(function () {
  "use strict";
  var list = null, field = null, items = [], active = -1, timer = null, seq = 0;

  function close() {
    if (list) list.remove();
    if (field) {
      field.setAttribute("aria-expanded", "false");
      field.removeAttribute("aria-activedescendant");
    }
    list = null; items = []; active = -1;
  }

  function partial(textarea) {
    var before = textarea.value.slice(0, textarea.selectionStart);
    var match = /(^|[^\w@\/.+-])@([A-Za-z0-9_][A-Za-z0-9_.+-]{1,149})$/.exec(before);
    return match ? match[2] : null;
  }

  function choose(i) {
    if (!field || !items[i]) return;
    var start = field.selectionStart;
    var before = field.value.slice(0, start);
    var name = partial(field) || "";
    var head = before.slice(0, before.length - name.length);
    var insert = items[i].username + " ";
    field.value = head + insert + field.value.slice(start);
    var caret = head.length + insert.length;
    field.setSelectionRange(caret, caret);
    close();
    field.focus();
  }

  function mark(i) {
    if (!list) return;
    active = i;
    list.querySelectorAll("li").forEach(function (li, n) {
      li.setAttribute("aria-selected", n === i ? "true" : "false");
    });
    if (i >= 0) field.setAttribute("aria-activedescendant", "mention-option-" + i);
  }

  function show(textarea, members) {
    close();
    if (!members.length) return;
    field = textarea;
    items = members;
    list = document.createElement("ul");
    list.className = "mention-list";
    list.id = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", textarea.dataset.mentionLabel || "Members");
    members.forEach(function (m, i) {
      var li = document.createElement("li");
      li.id = "mention-option-" + i;
      li.setAttribute("role", "option");
      li.textContent = "@" + m.username + (m.name && m.name !== m.username ? " – " + m.name : "");
      li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    textarea.insertAdjacentElement("afterend", list);
    textarea.setAttribute("aria-controls", "mention-list");
    textarea.setAttribute("aria-expanded", "true");
    mark(0);
  }

  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (!textarea.matches || !textarea.matches("textarea[name=body]")) return;
    textarea.setAttribute("aria-autocomplete", "list");
    var name = partial(textarea);
    clearTimeout(timer);
    if (!name) { close(); return; }
    var mine = ++seq;
    timer = setTimeout(function () {
      fetch("/members/suggest/?q=" + encodeURIComponent(name), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (r) { return r.ok ? r.json() : { members: [] }; })
        .then(function (data) { if (mine === seq) show(textarea, data.members || []); })
        .catch(close);
    }, 150);
  });

  document.addEventListener("keydown", function (event) {
    if (!list || event.target !== field) return;
    if (event.key === "ArrowDown") { event.preventDefault(); mark((active + 1) % items.length); }
    else if (event.key === "ArrowUp") { event.preventDefault(); mark((active - 1 + items.length) % items.length); }
    else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) { event.preventDefault(); choose(active); }
    else if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); close(); }
  }, true);

  document.addEventListener("focusout", function (event) {
    if (event.target === field) setTimeout(close, 100);
  });
})();
