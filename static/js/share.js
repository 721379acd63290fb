// The run report's Copy button: it exists only when scripts run (it ships `hidden`); without
// them the share text stays a read-only text box that can be selected and copied by hand.
(() => {
  "use strict";

  async function copy(text, field) {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return;
    }
    field.select();
    if (!document.execCommand("copy")) throw new Error("copy refused");
  }

  function wire(button) {
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    const status = button.parentElement.querySelector("[role=status]");
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await copy(field.value, field);
        if (status) status.textContent = "Copied.";
      } catch {
        field.focus();
        field.select();
        if (status) status.textContent = "Copying was refused; the text is selected.";
      }
    });
  }

  document.querySelectorAll("button[data-copy]").forEach(wire);
})();
