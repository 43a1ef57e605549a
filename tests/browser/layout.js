// Layout checks run inside the page: nothing wider than the screen, no certificate number broken
// over lines or cut off, no visible text under 12 px (SVG text measured at its rendered scale).
(() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const shown = (el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: true }) &&
    el.getBoundingClientRect().width > 2 && el.getBoundingClientRect().height > 2;
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`page is ${document.documentElement.scrollWidth}px wide on a ${width}px screen`);
  }
  for (const el of document.querySelectorAll("code.cert-no, .hit .meta code")) {
    if (!shown(el)) continue;
    const rects = el.getClientRects();
    const text = el.textContent.trim();
    if (rects.length !== 1) problems.push(`certificate number on ${rects.length} lines: ${text}`);
    const box = el.getBoundingClientRect();
    const holder = el.closest("td, li, dd, p") || el.parentElement;
    if (box.right > width + 1 || box.right > holder.getBoundingClientRect().right + 1) {
      problems.push(`certificate number cut off: ${text}`);
    }
  }
  for (const el of document.querySelectorAll("body *")) {
    if (!shown(el)) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.closest("svg");
    if (svg) size *= svg.getScreenCTM().a;
    if (size < 11.95) problems.push(`text at ${size.toFixed(1)}px: "${el.textContent.trim().slice(0, 30)}"`);
  }
  return problems;
})()
