// The board shows one era at a time with CSS :target. An htmx swap replaces the element the
// address points at (the posting just applied to, or the whole board after the last
// application), and a new element is not the :target until the address is followed again:
// follow it, so the era on screen stays the one the player was reading.
(() => {
  "use strict";
  document.addEventListener("htmx:afterSettle", () => {
    const id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    const el = document.getElementById(id);
    if (el && !el.matches(":target")) location.replace("#" + encodeURIComponent(id));
  });
})();
