// A flow's report page while its invoices are being checked: poll the progress, reload once it is done.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh).
(function () {
  "use strict";
  const box = document.querySelector("[data-flow-progress]");
  if (!box || !window.fetch) return;
  const bar = box.querySelector("progress");
  const label = box.querySelector("[data-flow-label]");
  const DELAY = 1500;

  function show(state) {
    if (state.total === null) {
      bar.removeAttribute("value");
      label.textContent = box.dataset.reading;
      return;
    }
    bar.max = Math.max(state.total, 1);
    bar.value = state.done;
    label.textContent = box.dataset.counted
      .replace("%(done)s", String(state.done))
      .replace("%(total)s", String(state.total));
  }

  function poll() {
    fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((state) => {
        show(state);
        if (state.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, DELAY);
        }
      })
      .catch(() => window.setTimeout(poll, DELAY * 4));
  }

  window.setTimeout(poll, DELAY);
})();
