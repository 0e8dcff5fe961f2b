// Keys for the moderation queue: j/k move, a r s b h decide, x selects, u undoes.
(() => {
  const items = () => Array.from(document.querySelectorAll(".mq-item"));
  let current = 0;
  const focus = (i) => {
    const all = items();
    if (!all.length) return;
    current = Math.max(0, Math.min(i, all.length - 1));
    all.forEach((el, n) => el.classList.toggle("is-current", n === current));
    all[current].focus({ preventScroll: true });
    all[current].scrollIntoView({ block: "nearest" });
  };
  const typing = (el) => el && (el.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName));
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const key = event.key.toLowerCase();
    const item = items()[current];
    if (key === "j") focus(current + 1);
    else if (key === "k") focus(current - 1);
    else if (key === "x" && item) {
      const box = item.querySelector(".mq-select");
      if (box) box.checked = !box.checked;
    } else if (key === "u") {
      const undo = document.querySelector(".mq-undo [data-key=u]");
      if (undo) undo.click();
      else return;
    } else if ("arsbh".includes(key) && key.length === 1 && item) {
      const button = item.querySelector(`[data-key="${key}"]`);
      if (!button) return;
      button.click();
    } else return;
    event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    const item = event.target.closest(".mq-item");
    if (item) current = items().indexOf(item);
    if (event.target.matches(".mq-select-all")) {
      document.querySelectorAll(".mq-select").forEach((box) => { box.checked = event.target.checked; });
    }
  });
  if (items().length) focus(0);
})();
