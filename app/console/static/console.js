// Plain helpers shared by the console's pages (no inline scripts: the CSP forbids them).
document.addEventListener("htmx:responseError", (event) => {
  const target = document.getElementById("htmx-error");
  if (target) target.textContent = `Request failed (HTTP ${event.detail.xhr.status}).`;
});

// The voice simulator's keypad: a key adds its digit to the keys field.
document.addEventListener("click", (event) => {
  const key = event.target.closest(".keypad .key");
  const field = document.getElementById("keys");
  if (key && field) field.value += key.dataset.key;
});
