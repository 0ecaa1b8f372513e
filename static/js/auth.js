// Copy and print buttons for values shown once (API token, recovery codes). Hidden when JavaScript is off.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-copy]").forEach((button) => {
    const source = document.querySelector(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const text = source.querySelectorAll("code").length
        ? Array.from(source.querySelectorAll("code"), (c) => c.textContent).join("\n")
        : source.textContent;
      navigator.clipboard.writeText(text.trim()).then(() => {
        button.textContent = button.dataset.copied || "✓";
      });
    });
  });
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
});
