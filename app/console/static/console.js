// Plain helpers shared by the console's pages (no inline scripts: the CSP forbids them).
document.addEventListener("htmx:responseError", (event) => {
  const target = document.getElementById("htmx-error");
  if (target) target.textContent = `Request failed (HTTP ${event.detail.xhr.status}).`;
});
