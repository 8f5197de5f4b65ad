// Ticking a facet or changing the sort searches again at once.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("search");
  if (!form) return;
  form.querySelectorAll("input[type=checkbox], select").forEach(function (el) {
    el.addEventListener("change", function () { form.submit(); });
  });
});
