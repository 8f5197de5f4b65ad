// Review mode: each button posts one judgement with the page's CSRF
// token, then reloads the page so that it shows the tags as stored.
document.addEventListener("DOMContentLoaded", function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!meta) return;
  var status = document.getElementById("review-status");
  var note = document.getElementById("review-note");
  document.querySelectorAll("button.judge").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var box = btn.closest(".review");
      var norm = btn.dataset.norm || box.querySelector("select.add-norm").value;
      var body = {
        doc: box.dataset.doc,
        passage: parseInt(box.dataset.passage, 10),
        norm: norm,
        verdict: btn.dataset.verdict,
        note: note ? note.value : ""
      };
      status.textContent = "saving…";
      fetch("/api/judgements", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": meta.content },
        body: JSON.stringify(body)
      }).then(function (resp) {
        return resp.json().then(function (data) {
          if (!resp.ok) throw new Error(data.error || resp.statusText);
          status.textContent = "saved";
          location.hash = "p" + body.passage;
          location.reload();
        });
      }).catch(function (err) {
        status.textContent = "not saved: " + err.message;
        status.className = "error";
      });
    });
  });
});
