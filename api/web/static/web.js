// Carepost web UI: the little behaviour the pages need. No inline scripts (CSP), no build step.
"use strict";

// A brief's page while drafting runs: fetch the page again and swap in the new progress and drafts,
// until drafting has finished. Without JavaScript the page offers a reload link instead.
(function pollProgress() {
  const region = document.querySelector("[data-poll]");
  if (!region) return;
  const delay = Number(region.getAttribute("data-poll")) || 1500;
  const tick = async () => {
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) throw new Error("status " + response.status);
      const next = new DOMParser().parseFromString(await response.text(), "text/html");
      const progress = next.querySelector("#progress");
      if (progress && !progress.hasAttribute("data-poll")) {
        // Finished: show the whole page (drafts included) and move focus to the news.
        document.querySelector("main").replaceWith(next.querySelector("main"));
        const heading = document.querySelector("#drafts-title") || document.querySelector("#progress-title");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
        return;
      }
      if (progress) region.innerHTML = progress.innerHTML;
    } catch (error) {
      // The network blinked; try again on the next tick.
    }
    window.setTimeout(tick, delay);
  };
  window.setTimeout(tick, delay);
})();

// Escape hides a finding's tooltip, as WCAG 1.4.13 asks of content shown on hover or focus.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const active = document.activeElement;
  if (active && active.classList.contains("hl")) active.blur();
});
