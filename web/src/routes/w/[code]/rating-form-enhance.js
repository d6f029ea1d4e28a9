// Progressive enhancement of the resident's rating form (the page has no other JavaScript).
// Without it the 差评 reasons are one more fold (<details>) to open and the form posts normally; with it:
// - the 差评 reasons are shown, unfolded, only while 不满意 or 非常不满意 is chosen. Hidden reasons are
//   also disabled: they keep their ticks but are not posted, so switching back to 不满意 loses
//   nothing and a 满意 rating never fails because of a stale tick;
// - the error summary gets focus after a failed submission, so screen readers read it first;
// - the submit button is disabled once the form is sent (the Idempotency-Key already makes a
//   second post harmless; this only spares the resident a confusing second wait).
// It is served as written (no bundling), so it sticks to what every phone browser runs.
(function () {
  /** @type {HTMLFormElement | null} */
  var found = document.querySelector('form[data-rating-form]');
  if (!found) return;
  var form = found;
  /** @type {HTMLDetailsElement | null} */
  var reasons = form.querySelector('details[data-reasons]');
  /** @type {HTMLFieldSetElement | null} */
  var reasonChoices = reasons && reasons.querySelector('fieldset');
  /** @type {HTMLButtonElement | null} */
  var button = form.querySelector('button[type="submit"]');

  function syncReasons() {
    if (!reasons || !reasonChoices) return;
    /** @type {HTMLInputElement | null} */
    var chosen = form.querySelector('input[name="level"]:checked');
    var bad = chosen !== null && (chosen.value === '1' || chosen.value === '2');
    // A reason the server has flagged stays visible until the resident has seen it.
    var flagged = reasons.querySelector('.error-message') !== null;
    reasons.hidden = !bad && !flagged;
    reasonChoices.disabled = !bad && !flagged;
    if (bad) reasons.open = true;
  }

  form.addEventListener('change', function (event) {
    var target = /** @type {HTMLInputElement} */ (event.target);
    if (target.name === 'level') syncReasons();
  });
  form.addEventListener('submit', function () {
    // After the submission has started, so the post itself is unaffected.
    setTimeout(function () {
      if (button) button.disabled = true;
    }, 0);
  });
  // Coming back with the browser's back button restores the page as it was left.
  window.addEventListener('pageshow', function () {
    if (button) button.disabled = false;
    syncReasons();
  });

  syncReasons();
  /** @type {HTMLElement | null} */
  var summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();
})();
