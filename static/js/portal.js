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

// Go live, Cancel publish and Stop selling ask first (a submit button with data-confirm, written by the
// certification `confirm` tag): a Bootstrap modal, then the form posts confirmed=yes. Backing out changes nothing.
// Without JavaScript the server asks the same question on a page of its own.
const CONFIRM_MODAL = `
<div class="modal-dialog modal-dialog-centered"><div class="modal-content">
  <div class="modal-header">
    <h2 class="modal-title fs-5" id="confirm-modal-title"></h2>
    <button type="button" class="btn-close" data-bs-dismiss="modal" aria-label="Close"></button>
  </div>
  <div class="modal-body"><p class="mb-0" data-confirm-part="body"></p></div>
  <div class="modal-footer">
    <button type="button" class="btn btn-outline-secondary" data-bs-dismiss="modal" data-confirm-part="back"></button>
    <button type="button" class="btn" data-confirm-part="act"></button>
  </div>
</div></div>`;

function confirmModal() {
  let modal = document.getElementById("confirm-modal");
  if (!modal) {
    modal = document.createElement("div");
    modal.id = "confirm-modal";
    modal.className = "modal fade";
    modal.tabIndex = -1;
    modal.setAttribute("aria-labelledby", "confirm-modal-title");
    modal.setAttribute("aria-hidden", "true");
    modal.innerHTML = CONFIRM_MODAL; // fixed markup; the question's words go in as text below
    document.body.append(modal); // outside the status panel, which htmx replaces while publishing
  }
  return modal;
}

function confirmThenSubmit(form, button) {
  const element = confirmModal();
  const part = (name) => element.querySelector(`[data-confirm-part="${name}"]`);
  element.querySelector(".modal-title").textContent = button.dataset.confirm;
  part("body").textContent = button.dataset.confirmBody;
  part("back").textContent = button.dataset.confirmBack;
  const act = part("act");
  act.textContent = button.dataset.confirmAct;
  act.className = `btn btn-${button.dataset.confirmColour}`;
  act.disabled = false;
  const modal = bootstrap.Modal.getOrCreateInstance(element);
  const answer = () => {
    act.disabled = true;
    const confirmed = document.createElement("input");
    Object.assign(confirmed, { type: "hidden", name: "confirmed", value: "yes" });
    form.append(confirmed);
    if (!form.isConnected) {
      form.hidden = true; // htmx replaced the panel meanwhile: post the form the publisher answered for
      document.body.append(form);
    }
    form.requestSubmit(button);
  };
  act.addEventListener("click", answer, { once: true });
  element.addEventListener(
    "hidden.bs.modal",
    () => {
      act.removeEventListener("click", answer);
      if (button.isConnected) button.focus();
    },
    { once: true },
  );
  element.addEventListener("shown.bs.modal", () => part("back").focus(), { once: true });
  modal.show();
}

document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (!button || !button.dataset.confirm || event.target.elements.namedItem("confirmed")) return;
  event.preventDefault();
  confirmThenSubmit(event.target, button);
});

// Accessibility. What htmx swaps in (the overview's status and publishing steps) is read out through the polite
// live region of base.html: each element with data-announce says "label: text" when its text changed since the
// last swap, so a screen reader hears "Offer status: Preview" without the page moving.
const announced = new Map();
function announceChanges(quiet) {
  const changes = [];
  document.querySelectorAll("[data-announce]").forEach((el) => {
    const label = el.dataset.announce;
    const key = el.id || el.dataset.testid || label; // two phases may have steps of the same name
    const text = el.textContent.trim();
    if (announced.get(key) === text) return;
    if (announced.has(key)) changes.push(`${label}: ${text}`);
    announced.set(key, text);
  });
  const region = document.getElementById("live-region");
  if (!quiet && region && changes.length) region.textContent = changes.join(". ");
}
announceChanges(true);
document.addEventListener("htmx:afterSettle", () => announceChanges(false));

// A form that came back with errors: its summary (templates/bootstrap5/errors.html, role="alert") takes focus, so
// it is read first and its links lead to each field.
const errorSummary = document.querySelector("[data-error-summary]");
if (errorSummary) errorSummary.focus();
