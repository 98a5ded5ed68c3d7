// lookout's few lines of JavaScript. Pages work without it; with it, the overview's changing
// parts refresh every 15 s, filters apply as they change, and charts show values on hover.
(function () {
  "use strict";

  // Regions marked data-refresh="URL" are fetched again every 15 s and swapped in place.
  document.querySelectorAll("[data-refresh]").forEach(function (region) {
    var every = Number(region.getAttribute("data-every") || "15000");
    setInterval(function () {
      if (document.hidden) return;
      fetch(region.getAttribute("data-refresh"), { headers: { "X-Fragment": "1" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) region.innerHTML = html; })
        .catch(function () {});
    }, every);
  });

  // Filter selects submit their form when they change.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Chart points (<rect class="hit" data-tip="...">) show their value in a tooltip.
  document.querySelectorAll(".chart-wrap").forEach(function (wrap) {
    var tip = wrap.querySelector(".tip");
    if (!tip) return;
    function show(event) {
      var target = event.target;
      if (!target.classList || !target.classList.contains("hit")) return;
      tip.textContent = target.getAttribute("data-tip");
      tip.style.display = "block";
      var box = wrap.getBoundingClientRect();
      var rect = target.getBoundingClientRect();
      var left = rect.left - box.left + rect.width / 2 - tip.offsetWidth / 2;
      tip.style.left = Math.max(0, Math.min(left, box.width - tip.offsetWidth)) + "px";
      tip.style.top = "0px";
    }
    wrap.addEventListener("mouseover", show);
    wrap.addEventListener("focusin", show);
    wrap.addEventListener("mouseleave", function () { tip.style.display = "none"; });
    wrap.addEventListener("focusout", function () { tip.style.display = "none"; });
  });

  // Buttons that ask first (delete).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
