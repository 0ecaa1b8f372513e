// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form.submit());
  });
  const here = window.location.pathname;
  document.querySelectorAll(".main-nav a").forEach((a) => {
    const href = a.getAttribute("href");
    if (href !== "/" ? here.startsWith(href) : here === "/") a.setAttribute("aria-current", "page");
  });
  // Back from the second-factor form to the page a download was asked from: start it (accounts/downloads.py).
  const download = document.querySelector("a[data-autodownload]");
  if (download) window.location.assign(download.href);
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (ev) => {
      if (!window.confirm(el.dataset.confirm)) ev.preventDefault();
    });
  });
});
