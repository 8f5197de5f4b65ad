// Copy citation: the button copies its passage's citation (with the
// permalink) to the clipboard and shows it; where the clipboard cannot
// be written (a page served over plain HTTP to another machine), the
// citation is shown selected for Ctrl+C.
document.addEventListener("click", function (e) {
  var btn = e.target.closest && e.target.closest("button.copy-cite");
  if (!btn) return;
  var box = btn.closest(".citebox");
  var text = box.querySelector(".citation");
  var status = box.querySelector(".copy-status");
  box.classList.add("open");
  function select() {
    var range = document.createRange();
    range.selectNodeContents(text);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  function fallback() {
    select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
    status.textContent = ok ? "Copied:" : "Press Ctrl+C to copy:";
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text.textContent).then(function () {
      status.textContent = "Copied:";
    }, fallback);
  } else {
    fallback();
  }
});
