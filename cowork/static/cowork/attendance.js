/* Attendance list: instant filter while typing; the search button still works without it
   (GET ?q=). A file, not an inline script: the Content-Security-Policy runs only these. */
(function () {
  var input = document.querySelector("[data-attendance-filter]");
  var list = document.querySelector("[data-attendance-list]");
  if (!input || !list) return;
  var none = document.querySelector("[data-no-match]");
  var summary = document.querySelector("[data-filter-summary]");
  var onlyDigits = /^[\d\s+()-]+$/;
  input.addEventListener("input", function () {
    var text = input.value.trim();
    var digits = text.replace(/\D/g, "");
    var shown = 0;
    list.querySelectorAll("li").forEach(function (item) {
      var match = !text || (onlyDigits.test(text)
        ? item.dataset.phone.endsWith(digits)
        : item.dataset.name.indexOf(text.toLowerCase()) !== -1);
      item.hidden = !match;
      if (match) shown += 1;
    });
    if (none) none.hidden = shown > 0;
    if (summary) summary.hidden = true;
  });
})();
