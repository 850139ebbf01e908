// Careerpath's addition to the admin's scripts (templates/admin/base_site.html).
//
// Select2, the admin's autocomplete, draws a box (a combobox named by a text box inside
// it) in place of each <select>; the text box is named by the value chosen (its title)
// and, while nothing is chosen, by nothing. Until a value is chosen, it takes the name
// of the <select> it stands for: its aria-label (core.admin.TabularInline) or <label>.
(() => {
  const BOXES = ".select2-selection__rendered[role='textbox']";

  const nameOf = (select) => {
    const label = select.labels && select.labels[0];
    const text = label ? label.textContent.trim().replace(/:$/, "") : "";
    return select.getAttribute("aria-label") || text;
  };

  const name = (box) => {
    const select = document.getElementById(box.id.replace(/^select2-/, "").replace(/-container$/, ""));
    if (!select) return;
    if (box.hasAttribute("title")) {
      box.removeAttribute("aria-label");
    } else {
      box.setAttribute("aria-label", nameOf(select));
    }
  };

  new MutationObserver(() => document.querySelectorAll(BOXES).forEach(name)).observe(
    document.documentElement,
    { childList: true, subtree: true, attributes: true, attributeFilter: ["title"] },
  );
})();
