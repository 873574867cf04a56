// Click-to-load embeds for slides and videos (talks app).
// Nothing is requested from YouTube, Vimeo or Google until the reader clicks. Without this
// file the button stays hidden and the link card above it is a plain link.
(function () {
  "use strict";
  if (window.meetupEmbedLoaded) return;
  window.meetupEmbedLoaded = true;

  // The same hosts as settings.EMBED_FRAME_HOSTS (the CSP frame-src); anything else is ignored.
  var ALLOWED = ["https://www.youtube-nocookie.com", "https://player.vimeo.com", "https://docs.google.com"];

  function allowed(src) {
    try {
      return ALLOWED.indexOf(new URL(src).origin) !== -1;
    } catch (e) {
      return false;
    }
  }

  function reveal(root) {
    var buttons = (root || document).querySelectorAll("button[data-embed-src][hidden]");
    for (var i = 0; i < buttons.length; i++) {
      if (allowed(buttons[i].getAttribute("data-embed-src"))) buttons[i].hidden = false;
    }
  }

  function load(button) {
    var src = button.getAttribute("data-embed-src");
    if (!allowed(src)) return;
    var frame = document.createElement("iframe");
    frame.src = src;
    frame.title = button.getAttribute("data-embed-title") || "";
    frame.className = "embed-frame";
    frame.setAttribute("allow", "fullscreen; picture-in-picture; encrypted-media");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.setAttribute("loading", "lazy");
    button.parentNode.replaceChild(frame, button);
    frame.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-embed-src]");
    if (button) {
      event.preventDefault();
      load(button);
    }
  });
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  } else {
    reveal(document);
  }
})();
