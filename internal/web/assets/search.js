// Keyboard use and small conveniences for the search pages; everything
// works without this script, through plain links and forms.
//   /      focus the search box
//   j, k   select the next or previous hit
//   o      open the selected hit (Enter does too)
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("search");
  if (form) {
    var sort = document.getElementById("sort");
    if (sort) sort.addEventListener("change", function () { form.submit(); });
  }
  // On a narrow screen the filters start folded, above the results (the
  // chips of the active ones stay in view).
  var facets = document.getElementById("facets");
  if (facets && window.matchMedia("(max-width: 760px)").matches) {
    facets.removeAttribute("open");
  }
  // The passage a link points to (#pN): marked, and centred.
  var m = /^#p(\d+)$/.exec(location.hash);
  if (m) {
    var target = document.getElementById("p" + m[1]);
    if (target) {
      target.classList.add("linked");
      target.scrollIntoView({ block: "center" });
    }
  }
  var selected = -1;
  function hits() { return document.querySelectorAll("#hits > li"); }
  function select(i) {
    var list = hits();
    if (!list.length) return;
    i = Math.max(0, Math.min(list.length - 1, i));
    if (selected >= 0 && list[selected]) list[selected].classList.remove("selected");
    selected = i;
    list[i].classList.add("selected");
    list[i].setAttribute("aria-current", "true");
    list[i].focus({ preventScroll: true });
    list[i].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    if (typing) {
      if (e.key === "Escape") t.blur();
      return;
    }
    var q = document.getElementById("q");
    switch (e.key) {
      case "/":
        if (q) { e.preventDefault(); q.focus(); q.select(); }
        break;
      case "j":
        select(selected + 1);
        break;
      case "k":
        select(selected < 0 ? 0 : selected - 1);
        break;
      case "o":
      case "Enter":
        var list = hits();
        // Enter on a focused link follows that link; on a selected hit it
        // opens the hit.
        if (e.key === "Enter" && t !== list[selected]) break;
        if (selected >= 0 && list[selected]) {
          var a = list[selected].querySelector("a.title");
          if (a) { e.preventDefault(); location.href = a.href; }
        }
        break;
    }
  });
});
