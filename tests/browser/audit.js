// A small accessibility audit run inside the page: labels, alt text, lang, heading order, contrast,
// focus indicators and the current page in the navigation.
(() => {
  const problems = [];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  if (!document.documentElement.getAttribute("lang")) problems.push("html has no lang attribute");
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problems.push(`img without alt: ${img.src}`);
  }
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    const labelled = (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.closest("label") ||
      el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (!labelled) problems.push(`form control without label: ${el.outerHTML.slice(0, 80)}`);
  }
  let last = 0;
  for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const level = Number(h.tagName[1]);
    if (last === 0 && level !== 1) problems.push(`first heading is ${h.tagName}`);
    if (last && level > last + 1) problems.push(`heading jumps from h${last} to ${h.tagName}: ${h.textContent.trim()}`);
    last = level;
  }
  if (document.querySelectorAll("h1").length !== 1) problems.push("page needs exactly one h1");
  const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  for (const el of document.querySelectorAll("body *")) {
    if (!visible(el) || el.closest("svg")) continue;
    const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!text) continue;
    const style = getComputedStyle(el);
    const fg = rgb(style.color).slice(0, 3);
    const [l1, l2] = [lum(fg), lum(background(el))].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)} on "${el.textContent.trim().slice(0, 30)}"`);
  }
  // Keyboard users must see where they are: every focusable element shows an outline of at
  // least 2 px whose colour differs from what is behind it by 3:1 (WCAG 2.2, 1.4.11 and 2.4.13).
  const before = document.activeElement;
  for (const el of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")) {
    if (!visible(el) || el.closest("dialog:not([open])")) continue;
    el.focus({ preventScroll: true });
    if (document.activeElement !== el) continue;
    const style = getComputedStyle(el);
    const label = `${el.tagName.toLowerCase()} "${(el.textContent || el.name || "").trim().slice(0, 30)}"`;
    if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 2) {
      problems.push(`no focus indicator on ${label}`);
      continue;
    }
    const [o1, o2] = [lum(rgb(style.outlineColor).slice(0, 3)), lum(background(el.parentElement))].sort((a, b) => b - a);
    const ratio = (o1 + 0.05) / (o2 + 0.05);
    if (ratio < 3) problems.push(`focus indicator contrast ${ratio.toFixed(2)} on ${label}`);
  }
  if (before && before !== document.body) before.focus({ preventScroll: true });
  else if (document.activeElement) document.activeElement.blur();
  // The navigation says which of its pages this is.
  const nav = document.querySelector("header nav");
  if (nav) {
    const current = nav.querySelectorAll('[aria-current="page"]');
    if (current.length > 1) problems.push("more than one navigation link is marked as the current page");
    for (const a of nav.querySelectorAll("a[href]")) {
      if (a.pathname === location.pathname && a.getAttribute("aria-current") !== "page") {
        problems.push(`navigation link to this page is not marked aria-current: ${a.textContent.trim()}`);
      }
    }
  }
  return problems;
})()
