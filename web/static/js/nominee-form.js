// The nominee form (templates/dossiers/_nomination_fields.html). app.css already hides the titles and the birth
// date that do not fit the kind of nominee chosen; this makes sure nothing hidden is sent: a chosen title that stops
// fitting is cleared (the clerk picks again), and a hidden birth date is disabled, so left out of the post, yet kept
// should the kind be switched back.
"use strict";

for (const fields of document.querySelectorAll(".nominee-fields")) {
  const kind = fields.querySelector('select[name="kind"]');
  const title = fields.querySelector('select[name="title_code"]');
  const born = fields.querySelector('input[name="date_of_birth"]');
  const birthDateFits = () => {
    born.disabled = kind.value !== "person";
  };
  kind.addEventListener("change", () => {
    const chosen = title.selectedOptions[0];
    if (chosen && chosen.dataset.subject && chosen.dataset.subject !== kind.value) {
      title.value = "";
    }
    birthDateFits();
  });
  birthDateFits();
}
