// A Bootstrap progress bar shows its value as a width; the Content-Security-Policy forbids style attributes in the
// markup, so each bar carries data-percent and gets its width here, on load and after every htmx swap.
function widen(root) {
  root.querySelectorAll("[data-percent]").forEach((bar) => {
    bar.style.width = `${Number(bar.dataset.percent)}%`;
  });
}
document.addEventListener("DOMContentLoaded", () => widen(document));
document.addEventListener("htmx:load", (event) => widen(event.detail.elt));
