// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // The apply box: send only the answers asked for the chosen ticket type. Without this
  // script every question shows, marked with the ticket types it is for, and the server
  // ignores the answers to the other types' questions.
  function matchQuestions(form, chosen) {
    form.querySelectorAll(".question[data-for]").forEach(function (question) {
      var asked = !chosen || question.dataset.for.split(" ").indexOf(chosen) !== -1;
      question.hidden = !asked;
      question.querySelectorAll("input, textarea, select").forEach(function (field) {
        field.disabled = !asked;
      });
    });
  }

  function setUp(root) {
    root.querySelectorAll(".apply-form").forEach(function (form) {
      if (form.dataset.questionsReady) return;
      form.dataset.questionsReady = "1";
      // Each ticket type has its own submit button: the one pressed is the choice, so the
      // other types' questions step aside before the browser checks required fields.
      form.addEventListener("click", function (event) {
        var button = event.target.closest('button[name="ticket_type"]');
        if (button) matchQuestions(form, button.value);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail && event.detail.elt && event.detail.elt.querySelectorAll) setUp(event.detail.elt);
  });
})();
