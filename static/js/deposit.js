// Deposit page: drag and drop, several files at once, and a progress bar while uploading.
// Without JavaScript the same form is a plain multipart form, posted the ordinary way.
(function () {
  "use strict";
  const form = document.querySelector("[data-deposit-form]");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  const input = form.querySelector('input[type="file"][name="files"]');
  const progress = form.querySelector("[data-progress]");
  const bar = progress.querySelector("progress");
  const label = progress.querySelector("[data-progress-label]");
  const errors = form.querySelector("[data-errors]");
  const submit = form.querySelector('button[type="submit"]');

  function formatSize(bytes) {
    if (bytes < 1024) return bytes + " o";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(0) + " Ko";
    return (bytes / 1024 / 1024).toFixed(1) + " Mo";
  }

  if (input) {
    input.multiple = true;
    const zone = document.createElement("div");
    zone.className = "dropzone";
    const hint = document.createElement("p");
    hint.textContent = form.dataset.dropHint;
    const list = document.createElement("ul");
    list.className = "file-list";
    list.setAttribute("aria-live", "polite");
    input.parentNode.insertBefore(zone, input);
    zone.append(hint, input, list);
    const show = () => {
      list.replaceChildren(...Array.from(input.files).map((file) => {
        const item = document.createElement("li");
        item.textContent = file.name + " (" + formatSize(file.size) + ")";
        return item;
      }));
    };
    ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("dragover");
    }));
    ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.remove("dragover");
    }));
    zone.addEventListener("drop", (event) => {
      if (!event.dataTransfer || !window.DataTransfer) return;
      const merged = new DataTransfer();
      Array.from(input.files).forEach((file) => merged.items.add(file));
      Array.from(event.dataTransfer.files).forEach((file) => merged.items.add(file));
      input.files = merged.files;
      show();
    });
    input.addEventListener("change", show);
  }

  function showErrors(messages) {
    progress.hidden = true;
    submit.disabled = false;
    errors.replaceChildren(...messages.map((text) => {
      const p = document.createElement("p");
      p.textContent = text;
      return p;
    }));
    errors.hidden = false;
    errors.scrollIntoView({ block: "nearest" });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      bar.value = Math.round((e.loaded * 100) / e.total);
      label.textContent = form.dataset.sending + " " + formatSize(e.loaded) + " / " + formatSize(e.total);
    });
    xhr.upload.addEventListener("load", () => {
      bar.removeAttribute("value");
      label.textContent = form.dataset.checking;
    });
    xhr.addEventListener("load", () => {
      const body = xhr.response || {};
      if (xhr.status === 200 && body.redirect) {
        window.location.assign(body.redirect);
        return;
      }
      showErrors(body.errors && body.errors.length ? body.errors : [form.dataset.failed]);
    });
    xhr.addEventListener("error", () => showErrors([form.dataset.failed]));
    errors.hidden = true;
    progress.hidden = false;
    bar.value = 0;
    submit.disabled = true;
    xhr.send(new FormData(form));
  });
})();
