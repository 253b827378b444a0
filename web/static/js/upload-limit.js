// Refuse a file over the server's limit before it is sent: the message (from data-too-big, {name} filled in)
// shows under the input and the browser will not submit the form until another file is chosen.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.maxBytes) return;
  const limit = Number(input.dataset.maxBytes);
  const tooBig = Array.from(input.files || []).find((file) => file.size > limit);
  const message = tooBig ? input.dataset.tooBig.replace("{name}", tooBig.name) : "";
  input.setCustomValidity(message);
  input.classList.toggle("is-invalid", Boolean(tooBig));
  let note = input.parentElement.querySelector(".size-error");
  if (tooBig && !note) {
    note = document.createElement("div");
    note.className = "invalid-feedback d-block size-error";
    note.setAttribute("role", "alert");
    input.after(note);
  }
  if (note) note.textContent = message;
  if (tooBig) input.reportValidity();
});
