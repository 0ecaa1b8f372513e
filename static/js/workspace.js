// The invoice workspace: select all rows, explain the reason chosen, warn before a rejection that a gentler
// answer would fit. The server checks everything again; the page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // A browser without a PDF viewer (phones) shows a blank frame: offer the download instead.
  if (navigator.pdfViewerEnabled === false) {
    document.querySelectorAll("[data-pdf-frame]").forEach((frame) => frame.remove());
    document.querySelectorAll("[data-pdf-fallback]").forEach((el) => { el.hidden = false; });
  }

  document.querySelectorAll("[data-select-all]").forEach((box) => {
    box.addEventListener("change", () => {
      box.closest("form").querySelectorAll('input[name="invoices"]').forEach((row) => {
        row.checked = box.checked;
      });
    });
  });

  document.querySelectorAll("form[data-status-form]").forEach((form) => {
    const select = form.querySelector("select[data-reason-select]");
    if (!select) return;
    const confirmBox = form.querySelector('input[type="checkbox"][name$="-confirm"]');
    const confirmField = confirmBox ? confirmBox.closest(".field") : null;
    const update = () => {
      form.querySelectorAll("[data-help-for]").forEach((el) => { el.hidden = el.dataset.helpFor !== select.value; });
      let warned = false;
      form.querySelectorAll("[data-warning-for]").forEach((el) => {
        el.hidden = el.dataset.warningFor !== select.value;
        if (!el.hidden) warned = true;
      });
      if (confirmField) confirmField.hidden = !warned && !confirmBox.checked;
    };
    select.addEventListener("change", update);
    update();
    if (confirmBox) {
      form.addEventListener("submit", (ev) => {
        const warning = form.querySelector(`[data-warning-for="${select.value}"]`);
        if (warning && !confirmBox.checked && !window.confirm(warning.textContent.trim())) {
          ev.preventDefault();
        } else if (warning) {
          confirmBox.checked = true;
        }
      });
    }
  });
});
