// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // The apply box: show only the questions asked for the chosen ticket type. Without this
  // script every question shows, marked with the ticket types it is for, and the server
  // ignores the answers to the other types' questions.
  function matchQuestions(form) {
    var chosen = form.querySelector('input[name="ticket_type"]:checked');
    form.querySelectorAll(".question[data-for]").forEach(function (question) {
      var asked = !chosen || question.dataset.for.split(" ").indexOf(chosen.value) !== -1;
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
      matchQuestions(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "ticket_type") matchQuestions(form);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail && event.detail.elt && event.detail.elt.querySelectorAll) setUp(event.detail.elt);
  });
})();
