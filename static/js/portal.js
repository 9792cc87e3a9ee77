// Publisher Portal: behaviour without inline script (the CSP forbids it).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.requestSubmit();
});
