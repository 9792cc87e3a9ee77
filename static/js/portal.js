// Publisher Portal: behaviour without inline script (the CSP forbids it).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.requestSubmit();
});

// A list of children (subcategories, sub-industries) grouped by parent: show only the group of the parent
// chosen in the field its data-follows names. A changed parent drops the choices made under the old one;
// on load a group that holds a saved choice stays visible, so a mismatch the server refused can be seen.
function followParent(children, parent, changed) {
  for (const group of children.querySelectorAll("optgroup")) {
    const own = group.label === parent.value;
    if (!own && changed) for (const option of group.querySelectorAll("option")) option.selected = false;
    group.hidden = !own && !group.querySelector("option:checked");
  }
  children.disabled = !parent.value && !children.querySelector("option:checked");
}

document.querySelectorAll("select[data-follows]").forEach((children) => {
  const parent = children.form && children.form.elements.namedItem(children.dataset.follows);
  if (!parent) return;
  followParent(children, parent, false);
  parent.addEventListener("change", () => followParent(children, parent, true));
});
