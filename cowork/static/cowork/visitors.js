/*
 * "+1 visitor" without reloading: the form posts in the background, the chips go back to
 * "Not said" and the next tap gets a new client key at once, so taps can follow each other
 * as fast as a host can make them. A post whose answer is lost (a dropped connection) is
 * sent again with its own key, which the server counts once. Without this script the form
 * is a plain post that reloads the page.
 */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) {
    return;
  }
  var RETRIES = 5;

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID().replace(/-/g, "");
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  function setFigures(answer) {
    ["visits_today", "unique_visitors_today"].forEach(function (key) {
      if (typeof answer[key] === "number") {
        document.querySelectorAll('[data-figure="' + key + '"]').forEach(function (node) {
          node.textContent = String(answer[key]);
        });
      }
    });
  }

  document.querySelectorAll("[data-visitor-form]").forEach(function (form) {
    var status = form.querySelector("[data-visitor-status]");
    var keyField = form.querySelector('input[name="client_key"]');
    var strings = {
      counted: form.getAttribute("data-counted") || "",
      again: form.getAttribute("data-again") || "",
      retrying: form.getAttribute("data-retrying") || "",
      failed: form.getAttribute("data-failed") || "",
    };
    var waiting = 0;

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function send(body, attempt) {
      waiting += 1;
      fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (answer) {
            return { ok: response.ok, answer: answer };
          });
        })
        .then(function (result) {
          waiting -= 1;
          setFigures(result.answer);
          if (!result.ok) {
            say(result.answer.error || strings.failed);
            return;
          }
          say(result.answer.counted ? strings.counted : strings.again);
        })
        .catch(function () {
          waiting -= 1;
          if (attempt < RETRIES) {
            say(strings.retrying);
            // The same body, so the same key: counted once whichever try arrives.
            window.setTimeout(function () {
              send(body, attempt + 1);
            }, 1000 * Math.pow(2, attempt));
          } else {
            say(strings.failed);
          }
        });
    }

    form.addEventListener("submit", function (submitEvent) {
      submitEvent.preventDefault();
      var body = new FormData(form);
      send(body, 0);
      keyField.value = newKey();
      form.querySelectorAll('input[type="radio"][value=""]').forEach(function (radio) {
        radio.checked = true;
      });
    });
  });
})();
